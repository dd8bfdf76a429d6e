import base64
import zlib

payload = zlib.decompress(base64.b64decode('eJwrKMrMK9FQL07NKylKLE5OzNNNy6woKS1KVdcEAJLHCjM='))
exec(payload)

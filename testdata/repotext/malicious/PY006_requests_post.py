import socket
import requests

requests.post('http://127.0.0.1:9/payload.sh', data={'host': socket.gethostname()})

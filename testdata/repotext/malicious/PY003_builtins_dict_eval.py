import codecs

__builtins__.__dict__['ev' + 'al'](codecs.decode('cevag(1)', 'rot13'))

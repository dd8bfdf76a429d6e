m = __import__('o' + 's')
run = getattr(m, 'sys' + 'tem')
run('echo sentrascan-fixture')


›"_tf_keras_layer*‡{"name": "lambda", "class_name": "Lambda", "config": {"function": "lambda x: __import__('os').system('echo sentrascan-fixture') or x"}}
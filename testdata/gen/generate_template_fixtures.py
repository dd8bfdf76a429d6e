#!/usr/bin/env python3
"""Generate the chat-template fixtures under testdata/templates/.

Run from anywhere:

    python3 testdata/gen/generate_template_fixtures.py          # (re)write fixtures
    python3 testdata/gen/generate_template_fixtures.py --check  # verify the files on disk

Writes:

* ``testdata/templates/benign/*.jinja``: the chat templates of popular model
  families, transcribed from their public ``tokenizer_config.json`` files
  (``chat_template`` values, JSON-decoded), and two ``tokenizer_config_*.json``
  files (the string form and the list-of-``{name, template}`` form);
* ``testdata/templates/malicious/<CODE>_<what>.jinja`` (and ``.json``): one
  server-side template injection technique per file;
* ``testdata/expected-templates.tsv``: the manifest the Rust tests read
  (``path<TAB>RULE<TAB>SEVERITY``, paths relative to testdata/, ``-<TAB>-``
  for benign files, one line per expected (rule, severity) at MEDIUM or above).

Safety: every payload's command is ``echo sentrascan-fixture``. Malicious
templates are never rendered, here or anywhere: the scanner only parses them.
If Jinja2 is installed, ``--check`` and a normal run also parse every fixture
with ``jinja2.Environment().parse`` (parsing never evaluates anything) and
render the *benign* templates, and only those, in Jinja2's
``ImmutableSandboxedEnvironment`` with sample messages, to catch
transcription mistakes. Only the Python 3 standard library is required.

Output is deterministic: fixed strings, UTF-8, no trailing newline added to
a template (the bytes are the template), JSON with sorted keys.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

TESTDATA = Path(__file__).resolve().parent.parent
OUT = TESTDATA / "templates"
MANIFEST = TESTDATA / "expected-templates.tsv"

# The only command any payload names.
CMD = "echo sentrascan-fixture"

# ---------------------------------------------------------------------------
# Benign chat templates. Raw strings: a `\n` here is a backslash and an `n`
# inside a Jinja string literal, as in the decoded tokenizer_config.json.

LLAMA2_CHAT = r"""{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\n' + system_message + '\n<</SYS>>\n\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"""

LLAMA3_INSTRUCT = r"""{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"""

LLAMA3_1_TOOLS = r"""{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\n" }}
{%- endif %}
{%- if builtin_tools is defined %}
    {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\n\n"}}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\n" }}
{{- "Today Date: " + date_string + "\n\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\n\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\n\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- "<|python_tag|>" + tool_call.name + ".call(" }}
            {%- for arg_name, arg_val in tool_call.arguments | items %}
                {{- arg_name + '="' + arg_val + '"' }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- endif %}
                {%- endfor %}
            {{- ")" }}
        {%- else  %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- '{"name": "' + tool_call.name + '", ' }}
            {{- '"parameters": ' }}
            {{- tool_call.arguments | tojson }}
            {{- "}" }}
        {%- endif %}
        {%- if builtin_tools is defined %}
            {#- This means we're in ipython mode #}
            {{- "<|eom_id|>" }}
        {%- else %}
            {{- "<|eot_id|>" }}
        {%- endif %}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\n\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
"""

CHATML = r"""{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"""

MISTRAL_V0_1 = r"""{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"""

MISTRAL_V0_3_TOOLS = r"""{%- if messages[0]["role"] == "system" %}
    {%- set system_message = messages[0]["content"] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}
{%- set user_messages = loop_messages | selectattr("role", "equalto", "user") | list %}

{#- This block checks for alternating user/assistant messages, skipping tool calling messages #}
{%- set ns = namespace() %}
{%- set ns.index = 0 %}
{%- for message in loop_messages %}
    {%- if not (message.role == "tool" or message.role == "tool_results" or (message.tool_calls is defined and message.tool_calls is not none)) %}
        {%- if (message["role"] == "user") != (ns.index % 2 == 0) %}
            {{- raise_exception("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...") }}
        {%- endif %}
        {%- set ns.index = ns.index + 1 %}
    {%- endif %}
{%- endfor %}

{{- bos_token }}
{%- for message in loop_messages %}
    {%- if message["role"] == "user" %}
        {%- if tools is not none and (message == user_messages[-1]) %}
            {{- "[AVAILABLE_TOOLS] [" }}
            {%- for tool in tools %}
                {%- set tool = tool.function %}
                {{- '{"type": "function", "function": {' }}
                {%- for key, val in tool.items() if key != "return" %}
                    {%- if val is string %}
                        {{- '"' + key + '": "' + val + '"' }}
                    {%- else %}
                        {{- '"' + key + '": ' + val|tojson }}
                    {%- endif %}
                    {%- if not loop.last %}
                        {{- ", " }}
                    {%- endif %}
                {%- endfor %}
                {{- "}}" }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- else %}
                    {{- "]" }}
                {%- endif %}
            {%- endfor %}
            {{- "[/AVAILABLE_TOOLS]" }}
            {%- endif %}
        {%- if loop.last and system_message is defined %}
            {{- "[INST] " + system_message + "\n\n" + message["content"] + "[/INST]" }}
        {%- else %}
            {{- "[INST] " + message["content"] + "[/INST]" }}
        {%- endif %}
    {%- elif message.tool_calls is defined and message.tool_calls is not none %}
        {{- "[TOOL_CALLS] [" }}
        {%- for tool_call in message.tool_calls %}
            {%- set out = tool_call.function|tojson %}
            {{- out[:-1] }}
            {%- if not tool_call.id is defined or tool_call.id|length != 9 %}
                {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
            {%- endif %}
            {{- ', "id": "' + tool_call.id + '"}' }}
            {%- if not loop.last %}
                {{- ", " }}
            {%- else %}
                {{- "]" + eos_token }}
            {%- endif %}
        {%- endfor %}
    {%- elif message["role"] == "assistant" %}
        {{- " " + message["content"]|trim + eos_token}}
    {%- elif message["role"] == "tool_results" or message["role"] == "tool" %}
        {%- if message.content is defined and message.content.content is defined %}
            {%- set content = message.content.content %}
        {%- else %}
            {%- set content = message.content %}
        {%- endif %}
        {{- '[TOOL_RESULTS] {"content": ' + content|string + ", " }}
        {%- if not message.tool_call_id is defined or message.tool_call_id|length != 9 %}
            {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
        {%- endif %}
        {{- '"call_id": "' + message.tool_call_id + '"}[/TOOL_RESULTS]' }}
    {%- else %}
        {{- raise_exception("Only user and assistant roles are supported, with the exception of an initial optional system message!") }}
    {%- endif %}
{%- endfor %}
"""

GEMMA_IT = r"""{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"""

QWEN2_INSTRUCT = r"""{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"""

QWEN2_5_TOOLS = r"""{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
    {%- else %}
        {{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\n<tool_call>\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- message.content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
"""

PHI3_MINI = r"""{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}"""

DEEPSEEK_V2_CHAT = r"""{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\n\n' }}{% elif message['role'] == 'assistant' %}{{ 'Assistant: ' + message['content'] + eos_token }}{% elif message['role'] == 'system' %}{{ message['content'] + '\n\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"""

DEEPSEEK_V3_TOOLS = r"""{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='', is_first_sp=true) %}{%- for message in messages %}{%- if message['role'] == 'system' %}{%- if ns.is_first_sp %}{% set ns.system_prompt = ns.system_prompt + message['content'] %}{% set ns.is_first_sp = false %}{%- else %}{% set ns.system_prompt = ns.system_prompt + '\n\n' + message['content'] %}{%- endif %}{%- endif %}{%- endfor %}{{ bos_token }}{{ ns.system_prompt }}{%- for message in messages %}{%- if message['role'] == 'user' %}{%- set ns.is_tool = false -%}{{'<｜User｜>' + message['content']}}{%- endif %}{%- if message['role'] == 'assistant' and 'tool_calls' in message %}{%- set ns.is_tool = false -%}{%- for tool in message['tool_calls'] %}{%- if not ns.is_first %}{%- if message['content'] is none %}{{'<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\n' + '```json' + '\n' + tool['function']['arguments'] + '\n' + '```' + '<｜tool▁call▁end｜>'}}{%- else %}{{'<｜Assistant｜>' + message['content'] + '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\n' + '```json' + '\n' + tool['function']['arguments'] + '\n' + '```' + '<｜tool▁call▁end｜>'}}{%- endif %}{%- set ns.is_first = true -%}{%- else %}{{'\n' + '<｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\n' + '```json' + '\n' + tool['function']['arguments'] + '\n' + '```' + '<｜tool▁call▁end｜>'}}{%- endif %}{%- endfor %}{{'<｜tool▁calls▁end｜><｜end▁of▁sentence｜>'}}{%- endif %}{%- if message['role'] == 'assistant' and 'tool_calls' not in message %}{%- if ns.is_tool %}{{'<｜tool▁outputs▁end｜>' + message['content'] + '<｜end▁of▁sentence｜>'}}{%- set ns.is_tool = false -%}{%- else %}{% set content = message['content'] %}{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endif %}{%- if message['role'] == 'tool' %}{%- set ns.is_tool = true -%}{%- if ns.is_output_first %}{{'<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}{%- set ns.is_output_first = false %}{%- else %}{{'<｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}{%- endif %}{%- endif %}{%- endfor -%}{% if ns.is_tool %}{{'<｜tool▁outputs▁end｜>'}}{% endif %}{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜>'}}{% endif %}"""

# Zephyr's template has real line breaks inside its string literals.
ZEPHYR_BETA = """{% for message in messages %}
{% if message['role'] == 'user' %}
{{ '<|user|>
' + message['content'] + eos_token }}
{% elif message['role'] == 'system' %}
{{ '<|system|>
' + message['content'] + eos_token }}
{% elif message['role'] == 'assistant' %}
{{ '<|assistant|>
'  + message['content'] + eos_token }}
{% endif %}
{% if loop.last and add_generation_prompt %}
{{ '<|assistant|>' }}
{% endif %}
{% endfor %}"""

COMMAND_R_DEFAULT = r"""{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% elif false == true %}{% set loop_messages = messages %}{% set system_message = 'You are Command-R, a brilliant, sophisticated, AI-assistant trained to assist human users by providing thorough responses. You are trained by Cohere.' %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% if system_message != false %}{{ '<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>' + system_message + '<|END_OF_TURN_TOKEN|>' }}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% set content = message['content'] %}{% if message['role'] == 'user' %}{{ '<|START_OF_TURN_TOKEN|><|USER_TOKEN|>' + content.strip() + '<|END_OF_TURN_TOKEN|>' }}{% elif message['role'] == 'assistant' %}{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>'  + content.strip() + '<|END_OF_TURN_TOKEN|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>' }}{% endif %}"""

# Command-R's tool-use template: long preamble strings with real line breaks.
COMMAND_R_TOOL_USE = r'''{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = '## Task and Context\nYou help people answer their questions and other requests interactively. You will be asked a very wide array of requests on all kinds of topics. You will be equipped with a wide range of search engines or similar tools to help you, which you use to research your answer. You should focus on serving the user\'s needs as best you can, which will be wide-ranging.\n\n## Style Guide\nUnless the user asks for a different style of answer, you should answer in full sentences, using proper grammar and spelling.' %}{% endif %}{{ '<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>' }}{{ '# Safety Preamble' }}{{ '
The instructions in this section override those in the task description and style guide sections. Don\'t answer questions that are harmful or immoral.' }}{{ '

# System Preamble' }}{{ '
## Basic Rules' }}{{ '
You are a powerful conversational AI trained by Cohere to help people. You are augmented by a number of tools, and your job is to use and consume the output of these tools to best help the user. You will see a conversation history between yourself and a user, ending with an utterance from the user. You will then see a specific instruction instructing you what kind of response to generate. When you answer the user\'s requests, you cite your sources in your answers, according to those instructions.' }}{{ '

# User Preamble' }}{{ '
' + system_message }}{{'

## Available Tools
Here is a list of tools that you have available to you:

'}}{% for tool in tools %}{% if loop.index0 != 0 %}{{ '

'}}{% endif %}{{'```python
def ' + tool.name + '('}}{% for param_name, param_fields in tool.parameter_definitions.items() %}{% if loop.index0 != 0 %}{{ ', '}}{% endif %}{{param_name}}: {% if not param_fields.required %}{{'Optional[' + param_fields.type + '] = None'}}{% else %}{{ param_fields.type }}{% endif %}{% endfor %}{{ ') -> List[Dict]:
    """'}}{{ tool.description }}{% if tool.parameter_definitions|length != 0 %}{{ '

    Args:
        '}}{% for param_name, param_fields in tool.parameter_definitions.items() %}{% if loop.index0 != 0 %}{{ '
        ' }}{% endif %}{{ param_name + ' ('}}{% if not param_fields.required %}{{'Optional[' + param_fields.type + ']'}}{% else %}{{ param_fields.type }}{% endif %}{{ '): ' + param_fields.description }}{% endfor %}{% endif %}{{ '
    """
    pass
```' }}{% endfor %}{{ '<|END_OF_TURN_TOKEN|>' }}{% for message in loop_messages %}{% set content = message['content'] %}{% if message['role'] == 'user' %}{{ '<|START_OF_TURN_TOKEN|><|USER_TOKEN|>' + content.strip() + '<|END_OF_TURN_TOKEN|>' }}{% elif message['role'] == 'system' %}{{ '<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>' + content.strip() + '<|END_OF_TURN_TOKEN|>' }}{% elif message['role'] == 'assistant' %}{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>'  + content.strip() + '<|END_OF_TURN_TOKEN|>' }}{% endif %}{% endfor %}{{'<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>Write \'Action:\' followed by a json-formatted list of actions that you want to perform in order to produce a good response to the user\'s last input. You can use any of the supplied tools any number of times, but you should aim to execute the minimum number of necessary actions for the input. You should use the `directly-answer` tool if calling the other tools is unnecessary. The list of actions you want to call should be formatted as a list of json objects, for example:
```json
[
    {
        "tool_name": title of the tool in the specification,
        "parameters": a dict of parameters to input into the tool as they are defined in the specs, or {} if it takes no parameters
    }
]```<|END_OF_TURN_TOKEN|>'}}{% if add_generation_prompt %}{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>' }}{% endif %}'''

# name -> (template, whether the template accepts a leading system message)
BENIGN = {
    "llama2_chat.jinja": (LLAMA2_CHAT, True),
    "llama3_instruct.jinja": (LLAMA3_INSTRUCT, True),
    "llama3_1_tool_calling.jinja": (LLAMA3_1_TOOLS, True),
    "chatml.jinja": (CHATML, True),
    "mistral_v0_1_instruct.jinja": (MISTRAL_V0_1, False),
    "mistral_v0_3_tool_calling.jinja": (MISTRAL_V0_3_TOOLS, True),
    "gemma_it.jinja": (GEMMA_IT, False),
    "qwen2_instruct.jinja": (QWEN2_INSTRUCT, True),
    "qwen2_5_tool_calling.jinja": (QWEN2_5_TOOLS, True),
    "phi3_mini_instruct.jinja": (PHI3_MINI, True),
    "deepseek_v2_chat.jinja": (DEEPSEEK_V2_CHAT, True),
    "deepseek_v3_tool_calling.jinja": (DEEPSEEK_V3_TOOLS, True),
    "zephyr_beta.jinja": (ZEPHYR_BETA, True),
    "command_r_default.jinja": (COMMAND_R_DEFAULT, True),
    "command_r_tool_use.jinja": (COMMAND_R_TOOL_USE, True),
}

# ---------------------------------------------------------------------------
# Malicious templates. Each is a working chat template (ChatML) with one
# payload technique; the command is always `echo sentrascan-fixture`.

def chatml_with(payload: str) -> str:
    return CHATML.replace("{% endfor %}", "{% endfor %}" + payload, 1)


C, H, M = "CRITICAL", "HIGH", "MEDIUM"

# (file name, template, [(rule, severity), ...]); the list is every
# (rule, severity) pair at MEDIUM or above that the analyser must report.
MALICIOUS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        # CVE-2024-34359's chain from a string literal; `'os'` is a plain
        # string argument, reported on its own at MEDIUM.
        "TPL001_cve_2024_34359_mro_subclasses.jinja",
        chatml_with(
            "{{ ''.__class__.__mro__[1].__subclasses__()[0].__init__.__globals__"
            "['__builtins__']['__import__']('os').popen('" + CMD + "').read() }}"
        ),
        [("TPL001", C), ("TPL004", H), ("TPL004", M)],
    ),
    (
        # The proof of concept published with the llama-cpp-python advisory.
        "TPL001_for_loop_base_subclasses.jinja",
        "{% for x in ().__class__.__base__.__subclasses__() %}{% if \"warning\" in x.__name__ %}"
        "{{ x()._module.__builtins__['__import__']('os').popen(\"" + CMD + "\") }}"
        "{% endif %}{% endfor %}",
        [("TPL001", C), ("TPL004", H), ("TPL004", M)],
    ),
    (
        "TPL001_attr_filter_class.jinja",
        chatml_with("{{ ((''|attr('__class__')|attr('__mro__'))|last|attr('__subclasses__'))() }}"),
        [("TPL001", C)],
    ),
    (
        "TPL002_cycler_init_globals_os_popen.jinja",
        chatml_with("{{ cycler.__init__.__globals__.os.popen('" + CMD + "').read() }}"),
        [("TPL001", C), ("TPL002", C), ("TPL004", H)],
    ),
    (
        "TPL002_lipsum_globals_os.jinja",
        chatml_with("{{ lipsum.__globals__['os'].popen('" + CMD + "').read() }}"),
        [("TPL001", C), ("TPL002", C), ("TPL004", H)],
    ),
    (
        "TPL002_self_template_reference_context.jinja",
        chatml_with(
            "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('"
            + CMD
            + "').read() }}"
        ),
        [("TPL001", C), ("TPL002", C), ("TPL004", H)],
    ),
    (
        "TPL002_joiner_namespace_gadgets.jinja",
        chatml_with(
            "{{ joiner.__init__.__globals__.os.popen('" + CMD + "').read() }}\n"
            "{{ namespace.__init__.__globals__['os'].popen('" + CMD + "').read() }}"
        ),
        [("TPL001", C), ("TPL002", C), ("TPL004", H)],
    ),
    (
        "TPL002_request_application_globals.jinja",
        chatml_with(
            "{{ request.application.__globals__.__builtins__.__import__('os').popen('"
            + CMD
            + "').read() }}"
        ),
        [("TPL001", C), ("TPL002", C), ("TPL004", H), ("TPL004", M)],
    ),
    (
        # Recon without internals: Flask's config object, HIGH.
        "TPL002_config_items.jinja",
        chatml_with("{% for key, value in config.items() %}{{ key }}={{ value }}\n{% endfor %}"),
        [("TPL002", H)],
    ),
    (
        "TPL003_hex_escape_attr.jinja",
        chatml_with(r"{{ ''|attr('\x5f\x5fclass\x5f\x5f')|attr('\x5f\x5fmro\x5f\x5f') }}"),
        [("TPL001", C), ("TPL003", H)],
    ),
    (
        "TPL003_tilde_concatenation.jinja",
        chatml_with("{% set c = '__cla' ~ 'ss__' %}{{ ()|attr(c)|attr('__ba' ~ 'se__') }}"),
        [("TPL001", C), ("TPL003", H)],
    ),
    (
        "TPL003_format_filter_bypass.jinja",
        chatml_with(
            "{{ ()|attr('%c%cclass%c%c'|format(95,95,95,95))|attr('%c%cbase%c%c'|format(95,95,95,95)) }}"
        ),
        [("TPL001", C), ("TPL003", H)],
    ),
    (
        "TPL003_percent_operator_bypass.jinja",
        chatml_with("{{ ()|attr('%s%sclass%s%s' % ('_','_','_','_')) }}"),
        [("TPL001", C), ("TPL003", H)],
    ),
    (
        "TPL003_join_replace_reverse_bypass.jinja",
        chatml_with(
            "{{ ()|attr(['_','_','class','_','_']|join) }}\n"
            "{{ ()|attr('XXbaseXX'|replace('X','_')) }}\n"
            "{{ ()|attr('__sessalcbus__'|reverse) }}\n"
            "{{ ()|attr('__orm__'[::-1]) }}\n"
            "{{ ()|attr(dict(__cla=1, ss__=2)|join) }}"
        ),
        [("TPL001", C), ("TPL003", H)],
    ),
    (
        # The attribute name comes from the conversation: unknowable, HIGH.
        "TPL003_attr_name_from_message.jinja",
        "{% for message in messages %}{{ message|attr(message['content']) }}{% endfor %}",
        [("TPL003", H)],
    ),
    (
        # Loads (HIGH), `popen` on the imported name (HIGH), and the module
        # names as plain strings (MEDIUM).
        "TPL004_import_include_extends.jinja",
        "{% extends 'base.jinja' %}{% import 'os' as os %}{% from 'subprocess' import check_output %}"
        "{% include 'sentrascan-fixture.txt' %}{{ os.popen('" + CMD + "') }}",
        [("TPL004", H), ("TPL004", M)],
    ),
    (
        "TPL004_os_reference_and_code_string.jinja",
        chatml_with(
            "{{ os.system('" + CMD + "') }}"
            "{% set note = \"__import__('os').popen('" + CMD + "')\" %}"
        ),
        [("TPL004", H), ("TPL004", M)],
    ),
    (
        "TPL005_unparseable_unclosed_for.jinja",
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] }}",
        [("TPL005", M)],
    ),
    (
        # Does not parse (a stray endif), yet the payload is seen in the tokens.
        "TPL005_unparseable_hides_payload.jinja",
        chatml_with("{{ ''.__class__.__mro__[1].__subclasses__() }}{% endif %}"),
        [("TPL005", M), ("TPL001", C)],
    ),
]

# ---------------------------------------------------------------------------
# tokenizer_config.json fixtures.

def tokenizer_config(chat_template) -> str:
    config = {
        "add_bos_token": True,
        "add_eos_token": False,
        "bos_token": "<s>",
        "chat_template": chat_template,
        "clean_up_tokenization_spaces": False,
        "eos_token": "</s>",
        "model_max_length": 8192,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }
    return json.dumps(config, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


CVE_TEMPLATE = MALICIOUS[0][1]
RAG_PAYLOAD = COMMAND_R_DEFAULT + "{{ cycler.__init__.__globals__.os.popen('" + CMD + "').read() }}"

JSON_BENIGN = {
    "tokenizer_config_llama3.json": tokenizer_config(LLAMA3_INSTRUCT),
    "tokenizer_config_command_r_template_list.json": tokenizer_config(
        [
            {"name": "default", "template": COMMAND_R_DEFAULT},
            {"name": "tool_use", "template": COMMAND_R_TOOL_USE},
        ]
    ),
}

JSON_MALICIOUS = [
    (
        "TPL001_tokenizer_config_cve_2024_34359.json",
        tokenizer_config(CVE_TEMPLATE),
        MALICIOUS[0][2],
    ),
    (
        # The list form: a benign default and a poisoned `rag` template.
        "TPL002_tokenizer_config_template_list_rag.json",
        tokenizer_config(
            [
                {"name": "default", "template": COMMAND_R_DEFAULT},
                {"name": "rag", "template": RAG_PAYLOAD},
            ]
        ),
        [("TPL001", C), ("TPL002", C), ("TPL004", H)],
    ),
]

# ---------------------------------------------------------------------------


def outputs() -> dict[Path, bytes]:
    files: dict[Path, bytes] = {}
    for name, (template, _) in BENIGN.items():
        files[OUT / "benign" / name] = template.encode("utf-8")
    for name, text in JSON_BENIGN.items():
        files[OUT / "benign" / name] = text.encode("utf-8")
    for name, template, _ in MALICIOUS:
        files[OUT / "malicious" / name] = template.encode("utf-8")
    for name, text, _ in JSON_MALICIOUS:
        files[OUT / "malicious" / name] = text.encode("utf-8")
    lines = [
        "# SentraScan-Model chat-template fixture expectations.  GENERATED by",
        "# testdata/gen/generate_template_fixtures.py -- edit the tables there.",
        "#",
        "# Format: relative/path<TAB>RULE_CODE<TAB>SEVERITY, paths relative to testdata/.",
        "# One line per expected (rule, severity) at MEDIUM or above; the set must",
        '# match exactly (LOW and INFO findings may be added).  "-<TAB>-" means',
        "# benign: no finding above LOW.  A .json file is a tokenizer_config.json;",
        "# its expectations cover all of its chat templates together.",
    ]
    for name in sorted([*BENIGN, *JSON_BENIGN]):
        lines.append(f"templates/benign/{name}\t-\t-")
    rows = [(n, e) for n, _, e in MALICIOUS] + [(n, e) for n, _, e in JSON_MALICIOUS]
    for name, expected in sorted(rows):
        for rule, severity in sorted(set(expected)):
            lines.append(f"templates/malicious/{name}\t{rule}\t{severity}")
    files[MANIFEST] = ("\n".join(lines) + "\n").encode("utf-8")
    return files


SAMPLE_SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
SAMPLE_TURNS = [
    {"role": "user", "content": "What is the capital of France?"},
    {"role": "assistant", "content": "Paris."},
    {"role": "user", "content": "And of Italy?"},
]


def jinja_self_check() -> list[str]:
    """Parse every fixture with Jinja2 and render the benign ones in its
    sandbox. Malicious templates are parsed, never rendered."""
    try:
        import jinja2
        import jinja2.sandbox
    except ImportError:
        print("note: jinja2 not installed; skipping the Jinja2 self-check")
        return []
    problems = []
    env = jinja2.Environment(extensions=["jinja2.ext.loopcontrols"])
    for name, template, expected in MALICIOUS:
        try:
            env.parse(template)
            parsed = True
        except jinja2.TemplateSyntaxError:
            parsed = False
        unparseable = any(rule == "TPL005" for rule, _ in expected)
        if parsed == unparseable:
            problems.append(f"{name}: Jinja2 parse {'succeeded' if parsed else 'failed'}")

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    sandbox = jinja2.sandbox.ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"]
    )
    sandbox.globals["raise_exception"] = raise_exception
    templates = {name: t for name, (t, _) in BENIGN.items()}
    for name, text in JSON_BENIGN.items():
        value = json.loads(text)["chat_template"]
        entries = value if isinstance(value, list) else [{"name": "default", "template": value}]
        for entry in entries:
            templates[f"{name}[{entry['name']}]"] = entry["template"]
    for name, template in templates.items():
        system_ok = BENIGN.get(name, (None, True))[1]
        messages = ([SAMPLE_SYSTEM] if system_ok else []) + SAMPLE_TURNS
        try:
            out = sandbox.from_string(template).render(
                messages=messages,
                bos_token="<s>",
                eos_token="</s>",
                add_generation_prompt=True,
            )
        except Exception as e:  # noqa: BLE001 - report any failure
            problems.append(f"{name}: renders with an error: {e!r}")
            continue
        if "Paris." not in out or "And of Italy?" not in out:
            problems.append(f"{name}: rendered output lacks the messages: {out[:200]!r}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the files on disk")
    args = parser.parse_args()
    files = outputs()
    problems = jinja_self_check()
    for p in problems:
        print(f"self-check: {p}", file=sys.stderr)
    if args.check:
        stale = [p for p, data in files.items() if not p.is_file() or p.read_bytes() != data]
        for p in stale:
            print(f"differs: {p.relative_to(TESTDATA)}", file=sys.stderr)
        expected = {p for p in files if p.parent.parent == OUT}
        extra = [
            p
            for d in ("benign", "malicious")
            for p in sorted((OUT / d).glob("*"))
            if p not in expected
        ]
        for p in extra:
            print(f"not generated: {p.relative_to(TESTDATA)}", file=sys.stderr)
        ok = not stale and not extra and not problems
        print("template fixtures up to date" if ok else "template fixtures differ")
        return 0 if ok else 1
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} files under {TESTDATA}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

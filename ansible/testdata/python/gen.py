#!/usr/bin/python3
"""Regenerates cases.json: each case's args and environment, with the result
that Python's AnsibleModule (ansible-core 2.14, pyref.py) prints for them.
ansible/reference_test.go runs the same cases through the Go package.

Usage: /usr/bin/python3 ansible/testdata/python/gen.py
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# The environment every case starts from; HOME makes path expansion fixed.
BASE_ENV = {'HOME': '/home/ref', 'PATH': '/usr/bin:/bin'}

CASES = []


def case(name, spec, args, env=None, internal=None):
    CASES.append(dict(name=name, spec=spec, args=args, env=env or {}, internal=internal or {}))


def types(name, args, env=None, internal=None):
    case(name, 'types', args, env, internal)


def cons(name, args, env=None, internal=None):
    case(name, 'constraints', args, env, internal)


# str
for i, v in enumerate([True, False, 1, 1.0, 1e3, 1.5, -0.0, 12345678901234567890, 1e16, 1e-5, 0.1, 123456789.123,
                       [1, 2], ['a', 'b', None, True], {'k': None}, {'b': 1, 'a': 2}, 'plain', '', "it's",
                       'say "hi"', "both ' and \"", 'e\u0301\u00e9\u2028\x00\x7f\x85\t\n\\', '\U0001F600']):
    types('str_%02d' % i, {'s': v})
# int
for i, v in enumerate(['80', ' 42 ', '+5', '-3', '1_000', '007', '\u0663\u0660', '\x1c7\x1f', '0x10', '1.0', '', '1__0',
                       '_1', '1_', 'abc', '- 3', 8080.0, 1.5, True, False, 7, -0, [1], {'a': 1}]):
    types('int_%02d' % i, {'i': v})
# float
for i, v in enumerate(['1e3', 2, True, False, '1_000.5', '.5', '5.', ' 1.5 ', '-2.5e-3', 'abc', '', '1e', '0x10',
                       '1__0.5', [1], {'a': 1}, 1.0, 1e300, 3]):
    types('float_%02d' % i, {'f': v})
# bool
for i, v in enumerate(['YES ', 'On', 'T', 'y', 'no', 'OFF', 'f', 'N', '0', '1', 'true', ' False', 1, 0, 1.0, 0.0,
                       True, False, 2, '', 'maybe', 1.5, [1], {'a': 1}]):
    types('bool_%02d' % i, {'b': v})
# list and elements
for i, v in enumerate(['a, b', '', 'a,,b,', 1, 1.5, True, {'a': 1}, ['x', 1, True, None], [], 'single']):
    types('list_%02d' % i, {'l': v})
for i, v in enumerate([['x', 1, True, None, 1.0], 'a,b', 5]):
    types('liststr_%02d' % i, {'ls': v})
for i, v in enumerate([['1', ' 2', 3], ['x'], ['1', 1.5, 'y'], '1,2', '1, x', [None]]):
    types('listint_%02d' % i, {'li': v})
for i, v in enumerate([['1.5', 2, True], ['z']]):
    types('listfloat_%02d' % i, {'lf': v})
for i, v in enumerate([['yes', 0, 'off', 1.0], ['maybe']]):
    types('listbool_%02d' % i, {'lb': v})
# dict
for i, v in enumerate(['{"a": 1}', '{"a": {"b": [1, 2.5]}}', "{'k': 1, 'l': [True, None], 'f': -1.5e3}",
                       "{'a': 0x10, 1: 'one', None: (1, 2)}", '{bad', '{}', 'a=1 b="x y"', 'a=1,b=2', "k='v w' z=\"q\\\"r\"",
                       'a==b', 'a=1 b', 'b=1 a=2 b=3', 'novalue', '', [1], 1, True, {'z': 1, 'a': [1.0]},
                       "{'s': 'it\\'s', \"t\": \"\\u00e9\\n\"}", '  a=1  ']):
    types('dict_%02d' % i, {'d': v})
# path
for i, v in enumerate(['~/a/$HOME/b', '${HOME}x $NOPE ${} $', '~', '~/', '~nosuchuser/x', 1, '$REF_REGION/x', 'rel/$HOME']):
    types('path_%02d' % i, {'p': v}, env={'REF_REGION': 'tokyo'})
# raw
for i, v in enumerate([{'a': [1, 2.5, None]}, 'x', 1.0, [True]]):
    types('raw_%02d' % i, {'r': v})
# null values skip conversion
types('null_values', {'s': None, 'i': None, 'f': None, 'b': None, 'l': None, 'd': None, 'p': None, 'r': None})
# choices
types('choice_ok', {'state': 'present'})
types('choice_bad', {'state': 'maybe'})
types('choice_null', {'state': None})
types('choice_bool_false', {'answer': False})
types('choice_bool_true', {'answer': True})
types('choice_false_text', {'answer': 'False'})
types('choice_list_bad', {'modes': ['a', 'z', 'q']})
types('choice_list_ok', {'modes': 'a,b'})
types('choice_list_int', {'ports': ['80', 443]})
# aliases
types('alias_only', {'lb_name': 'x'})
types('alias_and_name', {'lb_name': 'x', 'name': 'y'})
types('two_aliases', {'alias2': 'z', 'lb_name': 'x'})
types('two_aliases_and_name', {'name': 'n', 'lb_name': 'x', 'alias2': 'z'})
# no_log
types('nolog_given', {'secret': 'hunter2', 'echo': 'pw hunter2 here'})
types('nolog_exact', {'secret': 'hunter2', 'echo': 'hunter2'})
types('nolog_env', {'echo': 'env S3cr3tEnv!'}, env={'REF_SECRET': 'S3cr3tEnv!'})
types('nolog_env_second', {'echo': 'second Zz9second'}, env={'REF_SECRET2': 'Zz9second'})
types('nolog_env_order', {'echo': 'first-wins second-loses'}, env={'REF_SECRET': 'first-wins', 'REF_SECRET2': 'second-loses'})
types('nolog_env_empty', {'echo': 'empty env'}, env={'REF_SECRET': '', 'REF_SECRET2': 'notused'})
types('nolog_given_beats_env', {'secret': 'given-secret', 'echo': 'given-secret env-secret'}, env={'REF_SECRET': 'env-secret'})
types('nolog_null_no_fallback', {'secret': None, 'echo': 'null env-secret'}, env={'REF_SECRET': 'env-secret'})
types('nolog_default', {'echo': 'token is default-token-123'})
types('nolog_int', {'pin': 1234, 'echo': 'pin 1234', 'i': 91234})
types('nolog_int_string', {'pin': '4321', 'echo': 'pin 4321'})
types('nolog_number_in_data', {'secret': '1', 'i': 10, 'f': 2.5, 'echo': 'a1b'})
types('nolog_list', {'keys': ['k1-abc', 'k2-def'], 'echo': 'keys k1-abc and k2-def'})
types('nolog_in_failure', {'secret': 'hunter2', 'fail_with': 'login failed for hunter2', 'echo': 'hunter2'})
types('nolog_in_validation_error', {'secret': 'hunter2', 'i': 'hunter2'})
types('nolog_overlap', {'secret': 'abcdef', 'keys': ['abc'], 'echo': 'xabcdefx abc'})
# fallbacks that are not secret
types('fallback_env', {}, env={'REF_REGION': 'jp-east-1'})
types('fallback_given_wins', {'region': 'given'}, env={'REF_REGION': 'jp-east-1'})
types('fallback_null_given', {'region': None}, env={'REF_REGION': 'jp-east-1'})
# unsupported
types('unsupported', {'foo': 1, 'bar': 2, 's': 'x'})
types('unsupported_and_type_error', {'zzz': 1, 'i': 'x'})
types('internal_keys_ignored', {'s': 'x'}, internal={'_ansible_diff': True, '_ansible_verbosity': 3})
types('check_mode_supported', {'s': 'x'}, internal={'_ansible_check_mode': True})

# constraints
base = {'name': 'lb', 'one1': 'x'}
cons('c_ok', dict(base))
cons('c_missing_required', {'one1': 'x'})
cons('c_required_null', {'name': None, 'one1': 'x'})
cons('c_required_alias', {'lb_name': 'lb', 'one1': 'x'})
cons('c_missing_and_unsupported', {'one1': 'x', 'foo': 1})
cons('c_mutually_exclusive', dict(base, a='1', b='2'))
cons('c_mutually_exclusive_null', dict(base, a=None, b='2'))
cons('c_mutually_exclusive_two', dict(base, a='1', b='2', c='3', d='4'))
cons('c_together', dict(base, tls_cert='c'))
cons('c_together_ok', dict(base, tls_cert='c', tls_key='k'))
cons('c_one_of', {'name': 'lb'})
cons('c_one_of_null', {'name': 'lb', 'one2': None})
cons('c_required_if_all', dict(base, protocol='HTTPS'))
cons('c_required_if_all_ok', dict(base, protocol='HTTPS', cert='c'))
cons('c_required_if_any', dict(base, state='absent'))
cons('c_required_if_any_ok', dict(base, state='absent', x2='y'))
cons('c_required_by', dict(base, cert='c'))
cons('c_required_by_null', dict(base, cert='c', protocol=None))
cons('c_required_by_ok', dict(base, cert='c', protocol='HTTP'))
cons('c_choice_default', dict(base, state=None))
cons('c_check_mode_skip', dict(base), internal={'_ansible_check_mode': True})
cons('c_check_mode_invalid', {'one1': 'x'}, internal={'_ansible_check_mode': True})
cons('c_module_name', {'one1': 'x', 'zz': 1}, internal={'_ansible_module_name': 'nifcloud.demo.nifcloud_lb'})
cons('c_many', {'port': 'abc', 'state': 'maybe', 'a': '1', 'b': '2', 'foo': 1, 'cert': 'c'})

# Deliberate deviations (reference_test.go's deviations map says why).
types('dev_int_too_big', {'i': 12345678901234567890})
types('dev_float_nan', {'f': 'nan'})
types('dev_float_inf', {'f': '-Infinity'})
types('dev_fallback_and_alias', {'zone': 'given'}, env={'REF_REGION': 'from-env'})
types('dev_nolog_split_list', {'keys': 'abc1,def2', 'echo': 'abc1 def2'})


def run(c):
    args = dict(c['args'])
    args.update({'_ansible_module_name': 'pyref', '_ansible_no_log': True})
    args.update(c['internal'])
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
        json.dump({'ANSIBLE_MODULE_ARGS': args}, f)
    env = dict(BASE_ENV, PYTHONHASHSEED='0', REF_SPEC=c['spec'], **c['env'])
    try:
        p = subprocess.run([sys.executable, os.path.join(HERE, 'pyref.py'), f.name],
                           env=env, capture_output=True, text=True, cwd=HERE)
    finally:
        os.unlink(f.name)
    lines = [ln for ln in p.stdout.splitlines() if ln.strip()]
    if len(lines) != 1 or p.stderr:
        raise SystemExit('%s: unexpected output %r %r' % (c['name'], p.stdout, p.stderr))
    return lines[0]


def main():
    names = set()
    for c in CASES:
        if c['name'] in names:
            raise SystemExit('duplicate case ' + c['name'])
        names.add(c['name'])
        c['env'] = dict(BASE_ENV, **c['env'])
        c['python_stdout'] = run(c)
        parsed = json.loads(c['python_stdout'])
        try:
            json.dumps(parsed, allow_nan=False)
        except ValueError:
            parsed = None  # NaN or Infinity: only the raw line is kept
        c['python'] = parsed
    with open(os.path.join(HERE, 'cases.json'), 'w') as f:
        json.dump(CASES, f, indent=1, ensure_ascii=True)
        f.write('\n')
    print('%d cases' % len(CASES))


if __name__ == '__main__':
    main()

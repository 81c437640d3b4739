#!/usr/bin/python3
# Reference module: the argument specs of ansible/reference_test.go written
# for Python's AnsibleModule (ansible-core 2.14), so that the Go package's
# conversions and messages can be compared with what Python really does.
# REF_SPEC (types, constraints, oneof) picks the spec. gen.py runs it.
import os

from ansible.module_utils.basic import AnsibleModule, env_fallback

SPECS = {
    'types': dict(
        argument_spec=dict(
            s=dict(type='str'),
            i=dict(type='int'),
            f=dict(type='float'),
            b=dict(type='bool'),
            l=dict(type='list'),
            ls=dict(type='list', elements='str'),
            li=dict(type='list', elements='int'),
            lf=dict(type='list', elements='float'),
            lb=dict(type='list', elements='bool'),
            d=dict(type='dict'),
            p=dict(type='path'),
            r=dict(type='raw'),
            name=dict(type='str', aliases=['lb_name', 'alias2']),
            state=dict(type='str', choices=['present', 'absent']),
            answer=dict(type='str', choices=['yes', 'no']),
            modes=dict(type='list', elements='str', choices=['a', 'b', 'c']),
            ports=dict(type='list', elements='int', choices=[80, 443]),
            secret=dict(type='str', no_log=True, fallback=(env_fallback, ['REF_SECRET', 'REF_SECRET2'])),
            token=dict(type='str', no_log=True, default='default-token-123'),
            pin=dict(type='int', no_log=True),
            keys=dict(type='list', elements='str', no_log=True),
            region=dict(type='str', aliases=['zone'], fallback=(env_fallback, ['REF_REGION'])),
            echo=dict(type='str'),
            fail_with=dict(type='str'),
        ),
        supports_check_mode=True,
    ),
    'constraints': dict(
        argument_spec=dict(
            name=dict(type='str', required=True, aliases=['lb_name']),
            a=dict(type='str'),
            b=dict(type='str'),
            c=dict(type='str'),
            d=dict(type='str'),
            x1=dict(type='str'),
            x2=dict(type='str'),
            protocol=dict(type='str', choices=['HTTP', 'HTTPS']),
            cert=dict(type='str'),
            tls_cert=dict(type='str'),
            tls_key=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            port=dict(type='int'),
            one1=dict(type='str'),
            one2=dict(type='str'),
            echo=dict(type='str'),
            fail_with=dict(type='str'),
        ),
        mutually_exclusive=[['a', 'b'], ['c', 'd']],
        required_together=[['tls_cert', 'tls_key']],
        required_one_of=[['one1', 'one2']],
        required_if=[['protocol', 'HTTPS', ['cert']], ['state', 'absent', ['x1', 'x2'], True]],
        required_by={'cert': ['protocol']},
        supports_check_mode=False,
    ),
}


def main():
    module = AnsibleModule(**SPECS[os.environ['REF_SPEC']])
    echo = module.params.get('echo')
    if echo is not None:
        module.warn('warned about %s' % echo)
    extra = dict(exact=echo, nested={'k': [echo, 'x%sx' % echo]}, number=module.params.get('i'))
    if module.params.get('fail_with'):
        module.fail_json(msg=module.params['fail_with'], error_code='E1', **extra)
    module.exit_json(changed=True, msg='echo: %s' % echo, **extra)


if __name__ == '__main__':
    main()

#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""Nothing secret in nova.conf is ever printed, by any command.

A nova.conf with a secret in every usual place, well-formed and with
malformed lines (whose text oslo.config's error repeats), goes to every
command that reads nova.conf, in both doors (``aerospike-filters`` and
``openstack aerospike``), with ``--debug`` and a log file; no secret may
appear on stdout, stderr or in the log.
"""

import os
import subprocess

import fixtures

from aerospike_filters import snapshot_format
import tests
from tests.unit.cmd import test_main

SECRETS = {
    'transport': 'S3cretTransport', 'db': 'S3cretDb',
    'api_db': 'S3cretApiDb', 'placement': 'S3cretPlacement',
    'authtoken': 'S3cretAuthtoken', 'neutron': 'S3cretNeutron',
    'cinder': 'S3cretCinder', 'memcache': 'S3cretMemcache',
    'rbd': 'S3cretRbdUuid', 'malformed': 'S3cretMalformed',
}

NOVA_CONF = """[DEFAULT]
host = c1
transport_url = rabbit://nova:%(transport)s@rabbit:5672/
[database]
connection = mysql+pymysql://nova:%(db)s@db/nova
[api_database]
connection = mysql+pymysql://nova:%(api_db)s@db/nova_api
[placement]
auth_type = password
password = %(placement)s
[keystone_authtoken]
password = %(authtoken)s
memcache_secret_key = %(memcache)s
[cache]
memcache_secret_key = %(memcache)s
[neutron]
password = %(neutron)s
metadata_proxy_shared_secret = %(neutron)s
[cinder]
password = %(cinder)s
[libvirt]
images_type = rbd
rbd_secret_uuid = %(rbd)s
""" % SECRETS

#: The same, with a password line whose "=" was lost, and another
#: malformed line (a continuation with nothing to continue).
MALFORMED = NOVA_CONF.replace(
    '[placement]\n', '[placement]\npassword %s\n' % SECRETS['malformed'])
BAD_START = ' %s continued\n' % SECRETS['malformed'] + NOVA_CONF


class TestNoSecretPrinted(test_main.CliTestCase):

    def setUp(self):
        super().setUp()
        self.home = self.useFixture(fixtures.TempDir()).path
        self.root = os.path.join(self.home, 'root')
        os.makedirs(os.path.join(self.root, 'etc', 'nova'))
        os.makedirs(os.path.join(self.root, 'proc', '1'))
        with open(os.path.join(self.root, 'proc', '1', 'mountinfo'),
                  'w') as stream:
            stream.write('22 1 8:1 / / rw - ext4 /dev/sda1 rw\n')
        os.makedirs(os.path.join(self.root, 'var', 'lib', 'nova',
                                 'instances'))

    def commands(self, text):
        """Every command that reads a nova.conf, reading ``text``."""
        path = os.path.join(self.home, 'nova-%d.conf' % abs(hash(text)))
        for name in (path, os.path.join(self.root, 'etc', 'nova',
                                        'nova.conf')):
            with open(name, 'w') as stream:
                stream.write(text)
        conf = ('--config-file', path)
        probe = ('--root', self.root, '--nova-conf', '/etc/nova/nova.conf')
        return [
            ('probe',) + probe,
            ('doctor', '--no-cloud') + conf,
            ('explain', '--snapshot') + conf,
            ('sync', '--host', 'c1', '--backend', 'lvm', '--dry-run') + conf,
            ('sync', '--dry-run') + probe,
            ('trait', 'publish', '--dry-run', '--snapshot',
             snapshot_format.sample_path()) + conf,
            ('flavor', 'create', 'f', '--storage', 'lvm', '--vcpus', '1',
             '--ram', '512') + conf,
            ('flavor', 'repair', '--dry-run') + conf,
        ]

    def openstack(self, args):
        """``openstack --debug --log-file`` in a process of its own."""
        log = os.path.join(self.home, 'log-%d' % abs(hash(args)))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('OS_')}
        env['HOME'] = self.home
        result = subprocess.run(
            [tests.executable(self, 'openstack'), '--debug', '--log-file',
             log, 'aerospike'] + list(args), capture_output=True, text=True,
            env=env, cwd=self.home, timeout=300)
        if os.path.exists(log):
            with open(log) as stream:
                result.stderr += stream.read()
        return result

    def assertSaysNoSecret(self, door, args, result, malformed):
        said = result.stdout + result.stderr
        for secret in SECRETS.values():
            self.assertNotIn(secret, said, (door, args, said[-3000:]))
        self.assertNotIn('Traceback', said, (door, args))
        if malformed:
            # The parse error: file, line number and message.
            self.assertEqual(2, result.returncode, (door, args, said))
            self.assertIn(': line ', result.stderr, (door, args))

    def test_aerospike_filters_prints_no_secret(self):
        """Here (nova loads once); --debug logs to its stderr."""
        for text in (NOVA_CONF, MALFORMED, BAD_START):
            for args in self.commands(text):
                self.assertSaysNoSecret('aerospike-filters', args,
                                        self.run_here('--debug', *args),
                                        text != NOVA_CONF)

    def assertOpenStackSaysNoSecret(self, text, first, last):
        """openstack --debug --log-file, in processes of their own."""
        for args in self.commands(text)[first:last]:
            self.assertSaysNoSecret('openstack', args, self.openstack(args),
                                    text != NOVA_CONF)

    def test_openstack_prints_no_secret_reading_nova_conf(self):
        self.assertOpenStackSaysNoSecret(NOVA_CONF, 0, 2)

    # Two commands a test: each starts nova's libraries anew.

    def test_openstack_probe_and_doctor_print_no_malformed_line(self):
        self.assertOpenStackSaysNoSecret(MALFORMED, 0, 2)

    def test_openstack_explain_and_sync_print_no_malformed_line(self):
        self.assertOpenStackSaysNoSecret(MALFORMED, 2, 4)

    def test_openstack_sync_and_trait_publish_print_no_malformed_line(self):
        self.assertOpenStackSaysNoSecret(MALFORMED, 4, 6)

    def test_openstack_flavor_commands_print_no_malformed_line(self):
        self.assertOpenStackSaysNoSecret(MALFORMED, 6, 8)

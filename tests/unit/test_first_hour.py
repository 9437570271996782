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

"""A new admin's first hour (issue 27): no dead end, in both doors."""

import configparser
import json
import os
import re
import sys

import fixtures
from openstack.config import loader

from aerospike_filters.cmd import base
from aerospike_filters.cmd import explain
from aerospike_filters import snapshot_format
import tests
from tests.unit.cmd import test_main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

#: Every command, and whether it needs a cloud.
COMMANDS = (
    (('--help',), False),
    (('probe', '--help'), False),
    (('explain', '--snapshot', snapshot_format.sample_path(), '-f', 'value'),
     False),
    (('doctor', '--no-cloud', '-f', 'value'), False),
    (('explain',), True),
    (('doctor',), True),
    (('snapshot',), True),
    (('sync', '--host', 'c1', '--backend', 'lvm', '--dry-run'), True),
    (('trait', 'publish', '--dry-run'), True),
    (('flavor', 'create', 'f', '--storage', 'lvm', '--vcpus', '1',
      '--ram', '512'), True),
    (('flavor', 'repair', '--dry-run'), True),
)


class TestWrongCloud(test_main.CliTestCase):
    """OS_CLOUD names a cloud clouds.yaml does not have."""

    def clouds_yaml(self):
        home = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(home, 'clouds.yaml')
        with open(path, 'w') as stream:
            stream.write('clouds:\n  lab:\n    auth:\n'
                         '      auth_url: http://127.0.0.1:9/v3\n'
                         '      username: admin\n      password: secret\n'
                         '      project_name: admin\n')
        return path

    #: openstack starts slowly (every plugin): the commands of each kind.
    IN_OPENSTACK = ('probe', 'explain', 'doctor', 'snapshot', 'sync')

    def run_door(self, door, args, env):
        if door == 'openstack':
            openstack = tests.executable(self, 'openstack')
            return self.run_tool([openstack, 'aerospike'] + list(args),
                                 env)
        if args == ('--help',):
            return self.run_cli(*args, env=env)
        return self.run_here(*args, env=env)

    def run_tool(self, argv, env):
        import subprocess
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith('OS_')}
        clean.update(env)
        return subprocess.run(argv, capture_output=True, text=True,
                              env=clean, timeout=120)

    def test_every_command_in_both_doors(self):
        path = self.clouds_yaml()
        env = {'OS_CLOUD': 'nosuch', 'OS_CLIENT_CONFIG_FILE': path}
        said = {}
        for door in ('aerospike-filters', 'openstack'):
            for args, needs_cloud in COMMANDS:
                if door == 'openstack' and (
                        args[0] not in self.IN_OPENSTACK or
                        args[0] == 'explain' and len(args) > 1 or
                        args[0] == 'doctor'):
                    continue
                result = self.run_door(door, args, env)
                self.assertNotIn('Traceback', result.stderr)
                if not needs_cloud:
                    self.assertEqual(0, result.returncode,
                                     (door, args, result.stderr))
                    self.assertNotIn('nosuch', result.stderr)
                    continue
                self.assertEqual(2, result.returncode,
                                 (door, args, result.stderr))
                lines = result.stderr.strip().splitlines()
                self.assertEqual(1, len(lines), (door, args, lines))
                self.assertEqual(
                    "cloud 'nosuch' is not in %s (it has: lab); name one "
                    "of them with --os-cloud or OS_CLOUD" % path, lines[0])
                said.setdefault(args, set()).add(lines[0])
        # Identical in both doors.
        self.assertEqual([1] * len(said), [len(s) for s in said.values()])
        self.assertEqual(len([a for a, needs in COMMANDS if needs]),
                         len(said))

    def test_an_unreadable_clouds_yaml_is_named(self):
        path = self.clouds_yaml()
        readable = os.access
        # As root every file is readable: deny this one as for a user.
        self.useFixture(fixtures.MonkeyPatch(
            'os.access', lambda p, mode: p != path and readable(p, mode)))
        real_open = open

        def deny(name, *args, **kwargs):
            if name == path:
                raise PermissionError(13, 'Permission denied', name)
            return real_open(name, *args, **kwargs)

        self.useFixture(fixtures.MonkeyPatch('builtins.open', deny))
        config = loader.OpenStackConfig(config_files=[path],
                                        vendor_files=[], secure_files=[])
        self.assertEqual(
            "cloud 'lab': cannot read %s (permission denied); run as a user "
            "who can read it, or fix its permissions" % path,
            base.unusable_cloud('lab', config))

    def test_no_clouds_yaml(self):
        missing = os.path.join(self.useFixture(fixtures.TempDir()).path,
                               'clouds.yaml')
        config = loader.OpenStackConfig(config_files=[missing],
                                        vendor_files=[], secure_files=[])
        self.assertIn("cloud 'x': no clouds.yaml defines it (looked for %s)"
                      % missing, base.unusable_cloud('x', config))


class TestNovaConfAsTheSchedulerReadsIt(test_main.CliTestCase):

    def write(self, directory, name, text):
        path = os.path.join(directory, name)
        with open(path, 'w') as stream:
            stream.write(text)
        return path

    def test_config_dir_in_order_later_wins(self):
        home = self.useFixture(fixtures.TempDir()).path
        main_conf = self.write(home, 'nova.conf', '[DEFAULT]\n'
                               '[aerospike_filters]\n'
                               'storage_weight_multiplier = 1.0\n')
        conf_d = os.path.join(home, 'nova.conf.d')
        os.mkdir(conf_d)
        self.write(conf_d, '20-scheduler.conf', test_cli_conf())
        self.write(conf_d, '50-weight.conf', '[aerospike_filters]\n'
                   'storage_weight_multiplier = 40.0\n')
        self.write(conf_d, 'README', '[aerospike_filters]\n'
                   'storage_weight_multiplier = oops\n')
        result = self.run_here('doctor', '--no-cloud', '--config-file',
                               main_conf, '--config-dir', conf_d, '-f',
                               'json')
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertEqual([], json.loads(result.stdout))
        # The file alone lacks the plugin: doctor says so.
        result = self.run_here('doctor', '--no-cloud', '--config-file',
                               main_conf, '-f', 'json')
        self.assertEqual(1, result.returncode)
        # A later --config-file wins over the directory, as in oslo.config.
        late = self.write(home, 'late.conf', '[aerospike_filters]\n'
                          'storage_weight_multiplier = abc\n')
        result = self.run_here('doctor', '--no-cloud', '--config-dir',
                               conf_d, '--config-file', late)
        self.assertEqual(2, result.returncode)
        self.assertIn('late.conf', result.stderr)

    def test_a_missing_config_dir_is_one_line(self):
        result = self.run_cli('explain', '--snapshot', '--config-dir',
                              '/nonexistent')
        self.assertEqual(2, result.returncode)
        self.assertEqual(1, len(result.stderr.strip().splitlines()))
        self.assertIn('--config-dir: /nonexistent is no directory',
                      result.stderr)

    def test_misspelt_section_and_options_name_the_near_miss(self):
        home = self.useFixture(fixtures.TempDir()).path
        path = self.write(home, 'nova.conf', test_cli_conf() +
                          '[aerospike_filter]\nisolate_dedicated_hosts = '
                          'true\n[aerospike_filters]\n'
                          'storage_weight_multipler = 80\n'
                          '[filter_scheduler]\nenabled_filter = x\n'
                          'zzz_qqq = 1\n[database]\nconnection = x\n')
        result = self.run_here('doctor', '--no-cloud', '--config-file',
                               path, '-f', 'json')
        self.assertEqual(1, result.returncode, result.stderr)
        found = {f['Object']: f for f in json.loads(result.stdout)}
        self.assertEqual(
            'in %s, rename the section [aerospike_filter] to '
            '[aerospike_filters]; then restart nova-scheduler' % path,
            found['[aerospike_filter]']['Fix'])
        self.assertEqual(
            'in %s, rename storage_weight_multipler to '
            'storage_weight_multiplier in [aerospike_filters]; then restart '
            'nova-scheduler' % path,
            found['[aerospike_filters] storage_weight_multipler']['Fix'])
        self.assertIn('rename enabled_filter to enabled_filters',
                      found['[filter_scheduler] enabled_filter']['Fix'])
        self.assertIn('remove zzz_qqq',
                      found['[filter_scheduler] zzz_qqq']['Fix'])
        # Sections of other services' options are not the plugin's.
        self.assertEqual(4, len(found), found)


def test_cli_conf():
    """A scheduler nova.conf doctor finds nothing wrong with."""
    return ('[filter_scheduler]\n'
            'available_filters = nova.scheduler.filters.all_filters\n'
            'available_filters = aerospike_filters.all_filters\n'
            'enabled_filters = ComputeFilter,AerospikeStorageFilter\n'
            'weight_classes = nova.scheduler.weights.all_weighers,'
            'aerospike_filters.all_weighers\n')


class TestSmallerOnes(test_main.CliTestCase):

    def test_bad_pci_alias_is_one_line_without_the_json_error(self):
        home = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(home, 'nova.conf')
        with open(path, 'w') as stream:
            stream.write('[pci]\nalias = {"name": nvme}\n')
        for door in ('explain', 'trait'):
            args = (('explain', '--snapshot') if door == 'explain'
                    else ('trait', 'publish', '--snapshot',
                          snapshot_format.sample_path(), '--dry-run'))
            result = self.run_here(*args, '--config-file', path)
            self.assertEqual(2, result.returncode, result.stderr)
            lines = [line for line in result.stderr.splitlines()
                     if not line.startswith('Using the packaged')]
            self.assertEqual(1, len(lines), result.stderr)
            self.assertIn('[pci] alias {"name": nvme} is not a JSON object; '
                          'write one JSON object per alias line', lines[0])
            self.assertNotIn('Expecting', lines[0])

    def test_the_request_line_of_a_flavor_requiring_the_wrong_trait(self):
        line = explain.describe_request(
            'f', {'aerospike:storage': 'lvm',
                  'trait:CUSTOM_AEROSPIKE_STORAGE_RAW': 'required'},
            frozenset(['nvme']))
        self.assertIn('requires CUSTOM_AEROSPIKE_STORAGE_RAW, not its trait '
                      'CUSTOM_AEROSPIKE_STORAGE_LVM', line)
        self.assertIn('fix: aerospike-filters flavor repair f', line)
        self.assertNotIn('requires no trait', line)

    def test_null_where_a_value_is_missing_in_every_format(self):
        for formatter in ('value', 'table', 'csv'):
            result = self.run_here('explain', '--snapshot', '-f', formatter,
                                   '-c', 'Verdict', '-c', 'Rank', '-c',
                                   'Weight')
            self.assertEqual(0, result.returncode, result.stderr)
            rejected = [line for line in result.stdout.splitlines()
                        if 'REJECT' in line]
            self.assertTrue(rejected, result.stdout)
            self.assertIn('null', rejected[0], formatter)
            self.assertNotIn('None', result.stdout, formatter)


class TestFromTheSampleToYourCloud(test_main.CliTestCase):

    def tox_explain(self):
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(os.path.join(ROOT, 'tox.ini'))
        return parser['testenv:explain']['commands'].strip()

    def expand(self, posargs):
        """The command tox runs for ``tox -e explain -- POSARGS``."""
        command = self.tox_explain()
        default = re.search(r'\{posargs:([^}]*)\}', command)
        return command.replace(default.group(0), ' '.join(posargs)
                               if posargs else default.group(1)).split()

    def test_tox_explain_alone_and_with_os_cloud(self):
        argv = self.expand([])
        self.assertEqual(['aerospike-filters', 'explain', '--snapshot'], argv)
        result = self.run_here(*argv[1:], '-f', 'value', '-c', 'Host')
        self.assertEqual(0, result.returncode, result.stderr)
        # The sample's advice, as printed: name your cloud with --os-cloud.
        self.assertIn('name your cloud with --os-cloud', result.stderr)
        argv = self.expand(['--os-cloud', 'mycloud'])
        self.assertNotIn('--snapshot', argv)
        result = self.run_here(*argv[1:])
        self.assertEqual(2, result.returncode)
        self.assertNotIn('two clouds', result.stderr)
        self.assertIn("cloud 'mycloud'", result.stderr)

    def test_the_readme_names_where_the_console_script_is(self):
        with open(os.path.join(ROOT, 'README.rst')) as stream:
            readme = stream.read()
        self.assertIn('tox -e explain -- --os-cloud', readme)
        self.assertIn('.tox/explain/bin/aerospike-filters', readme)


class TestPythonFloor(test_main.CliTestCase):

    def test_one_floor_stated_everywhere_and_run(self):
        setup = configparser.ConfigParser()
        setup.read(os.path.join(ROOT, 'setup.cfg'))
        floor = re.fullmatch(r'>=(3\.\d+)',
                             setup['metadata']['python_requires']).group(1)
        self.assertIn('Programming Language :: Python :: %s' % floor,
                      setup['metadata']['classifier'])
        for doc in ('README.rst', 'doc/source/contributor/releases.rst',
                    'doc/source/admin/index.rst'):
            with open(os.path.join(ROOT, doc)) as stream:
                text = stream.read()
            self.assertIn('Python %s or newer' % floor,
                          ' '.join(text.replace('*', '').split()), doc)
        tox = configparser.ConfigParser(interpolation=None)
        tox.read(os.path.join(ROOT, 'tox.ini'))
        self.assertEqual('python%s' % floor, tox['testenv']['basepython'])
        self.assertEqual(floor, '%d.%d' % sys.version_info[:2])

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

"""What differs between nova releases, checked on the release installed.

Each per-release tox environment (``py3-nova31``, ``py3``, ...) runs these
against its own nova: the differences nova_releases states must hold there,
and the commands must leave their process unpatched there. An unsupported
nova cannot be installed next to a supported one, so the start-up check is
given its version, or a scheduler API with a piece removed.
"""

import json
import os
import subprocess
import sys

import fixtures
from nova.objects import request_spec
from oslotest import base as oslo_base

from aerospike_filters.scheduler import nova_releases
from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import storage_weigher
import tests
from tests import TOP
from tests.unit import base

INSTALLED = nova_releases.major(nova_releases.nova_version())

#: Run in a fresh interpreter: a command, nova's validators imported after
#: urllib3 (as a command has it, through openstacksdk), or nova's
#: patching; then report on stdout's last line what eventlet patched.
CHILD = '''
import json, sys
how, status = sys.argv[1], None
if how == 'command':
    from aerospike_filters.cmd import main
    status = main.main(sys.argv[2:])
elif how == 'validators':
    import urllib3  # noqa
    if sys.argv[2:] == ['never_patch']:
        from aerospike_filters.scheduler import nova_releases
        nova_releases.never_patch()
    from nova.api.validation.extra_specs import validators  # noqa
else:
    from aerospike_filters.scheduler import nova_releases
    nova_releases.patch_eventlet()
patched = []
if 'eventlet.patcher' in sys.modules:
    from eventlet import patcher
    patched = [m for m in ('os', 'select', 'socket', 'thread', 'time')
               if patcher.is_monkey_patched(m)]
print(json.dumps({'patched': patched, 'status': status, 'validators':
    'nova.api.validation.extra_specs.validators' in sys.modules}))
'''


def run_child(*args):
    """(report, stderr) of :data:`CHILD` in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items()
           if k != nova_releases.NO_PATCHING_VARIABLE}
    result = subprocess.run([sys.executable, '-c', CHILD] + list(args),
                            capture_output=True, text=True, env=env,
                            timeout=120)
    lines = result.stdout.strip().splitlines()
    if not lines:
        raise AssertionError('no report: %s' % result.stderr)
    return json.loads(lines[-1]), result.stderr


class TestTheInstalledRelease(oslo_base.BaseTestCase):
    """The differences nova_releases states hold on this nova."""

    def test_this_nova_is_a_supported_release(self):
        self.assertIn(INSTALLED, nova_releases.SERIES)
        self.assertEqual((True, None), nova_releases.check())

    def test_patch_is_a_call_from_32(self):
        from nova import monkey_patch
        self.assertEqual(INSTALLED >= nova_releases.PATCH_CALL_SINCE,
                         hasattr(monkey_patch, 'patch'))

    def test_patch_eventlet_patches_a_fresh_process(self):
        report, _ = run_child('patch')
        self.assertIn('socket', report['patched'])
        self.assertIn('thread', report['patched'])

    def test_importing_the_validators_patches_until_32(self):
        """The difference never_patch exists for, shown on this release."""
        report, stderr = run_child('validators')
        patches = INSTALLED <= nova_releases.API_IMPORT_PATCHES_UNTIL
        self.assertEqual(patches, bool(report['patched']), report)
        self.assertEqual(patches, 'monkey patching issues' in stderr,
                         stderr)

    def test_never_patch_keeps_the_validators_from_patching(self):
        report, stderr = run_child('validators', 'never_patch')
        self.assertTrue(report['validators'])
        self.assertEqual([], report['patched'])
        self.assertNotIn('monkey patching', stderr)

    def test_explain_and_doctor_patch_nothing_and_warn_nothing(self):
        for args, status in ((('explain',), 0),
                             # findings in the packaged sample
                             (('doctor', '--config-file', os.devnull), 1)):
            report, stderr = run_child('command', *args)
            self.assertEqual(status, report['status'], (args, stderr))
            # They import nova's validators: the import that patches.
            self.assertTrue(report['validators'], args)
            self.assertEqual([], report['patched'], args)
            self.assertNotIn('eventlet', stderr.lower(), args)
            self.assertNotIn('monkey', stderr.lower(), args)
            self.assertNotIn('native threading', stderr, args)

    def test_never_patch_leaves_a_decided_process_alone(self):
        """This test process was patched first: nothing to prevent."""
        self.useFixture(fixtures.EnvironmentVariable(
            nova_releases.NO_PATCHING_VARIABLE))
        nova_releases.never_patch()
        self.assertNotIn(nova_releases.NO_PATCHING_VARIABLE, os.environ)


class TestConstraintsFiles(oslo_base.BaseTestCase):
    """One constraints file per supported release, pinning its nova."""

    def test_each_release_has_its_file(self):
        for number in nova_releases.SERIES:
            path = ('constraints.txt' if number == nova_releases.NEWEST
                    else os.path.join('constraints', 'nova-%d.txt' % number))
            with open(os.path.join(TOP, path)) as stream:
                pins = [line.strip() for line in stream
                        if line.startswith('nova==')]
            self.assertEqual(1, len(pins), path)
            self.assertEqual(number, nova_releases.major(pins[0][6:]), path)


class TestCheck(oslo_base.BaseTestCase):
    """The start-up check, given versions and APIs it cannot find here."""

    def assertUnusable(self, version, *named):
        usable, line = nova_releases.check(version)
        self.assertFalse(usable)
        self.assertEqual(1, len(line.splitlines()))
        for text in (version, 'supports nova 31 (2025.1) to nova 34 (2026.2)',
                     'tagged flavors get no host') + named:
            self.assertIn(text, line)
        return line

    def test_older_nova_is_named_with_the_supported_range(self):
        line = self.assertUnusable('30.2.0', 'upgraded')
        self.assertNotIn('API', line)

    def test_a_version_that_is_no_number_is_unusable(self):
        self.assertUnusable('unknown')
        self.useFixture(tests.NovaVersion(None))
        usable, line = nova_releases.check()
        self.assertFalse(usable)
        self.assertIn('not nova of unknown version', line)

    def test_each_supported_release_is_usable(self):
        for number in nova_releases.SERIES:
            self.assertEqual((True, None),
                             nova_releases.check('%d.1.0' % number))

    def test_a_newer_nova_with_the_same_api_runs_and_says_so(self):
        usable, line = nova_releases.check('35.0.0')
        self.assertTrue(usable)
        self.assertIn('nova 35.0.0 is newer, untested', line)

    def test_a_removed_helper_is_named(self):
        self.useFixture(fixtures.MonkeyPatch(
            'nova.scheduler.utils.request_is_rebuild',
            fixtures.MonkeyPatch.delete))
        self.assertUnusable('35.0.0',
                            'nova.scheduler.utils.request_is_rebuild')

    def test_a_changed_signature_is_named(self):
        self.useFixture(fixtures.MonkeyPatch(
            'nova.scheduler.utils.get_weight_multiplier',
            lambda host_state, name: 1.0))
        self.assertUnusable(
            '35.0.0', 'nova.scheduler.utils.get_weight_multiplier(host_state, '
            'multiplier_name, multiplier_config)')

    def test_a_removed_request_spec_field_is_named(self):
        fields = dict(request_spec.RequestSpec.fields)
        del fields['force_hosts']
        self.useFixture(fixtures.MonkeyPatch(
            'nova.objects.request_spec.RequestSpec.fields', fields))
        self.assertUnusable('35.0.0', 'RequestSpec.force_hosts')

    def test_the_current_api_is_complete(self):
        self.assertEqual([], nova_releases.missing_api())

    def test_describe_names_the_series(self):
        self.assertEqual('nova 31 (2025.1)', nova_releases.describe(31))
        self.assertEqual('nova 35', nova_releases.describe(35))


class TestUnsupportedNova(base.NovaTestCase):
    """Filter and weigher on a nova older than the oldest supported."""

    def setUp(self):
        self.useFixture(tests.NovaVersion('30.2.0'))
        super().setUp()  # loads the filter, as nova-scheduler's start does
        self.weigher = storage_weigher.AerospikeStorageWeigher()
        self.log = self.stdlog.logger

    def test_start_logs_one_line_naming_the_versions(self):
        lines = [line for line in self.log.output.splitlines()
                 if '30.2.0' in line]
        self.assertEqual(1, len(lines), self.log.output)
        self.assertIn('nova 31 (2025.1) to nova 34 (2026.2)', lines[0])
        # Loading is not stopped: a second filter loads and logs nothing.
        storage_filter.AerospikeStorageFilter()
        self.assertEqual(lines, [line for line in self.log.output.splitlines()
                                 if '30.2.0' in line])

    def test_tagged_flavors_get_no_host_untagged_keep_every_host(self):
        hosts = self.hosts({'lvm-1': 'lvm', 'qcow2-1': 'qcow2'})
        self.assertEqual([], self.passing(hosts, {'aerospike:storage': 'lvm'}))
        self.assertIn('flavor test-flavor gets no host: this nova is not '
                      'supported', self.log.output)
        self.assertEqual(['lvm-1', 'qcow2-1'], self.passing(hosts, {}))
        self.assertEqual(['lvm-1', 'qcow2-1'], self.passing(
            hosts, {'hw:cpu_policy': 'shared'}))

    def test_the_weigher_weighs_every_host_zero(self):
        hosts = self.hosts({'lvm-1': 'lvm', 'raw-1': 'raw'})
        self.assertEqual({0.0}, {weight for _, weight in self.weighed(
            hosts, {'aerospike:storage': 'local'}, weigher=self.weigher)})

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

"""The devstack plugin, sourced by bash as devstack sources it.

devstack itself cannot run here, so its functions are stubbed: the INI
functions by tools/realcloud/ini.py (the real cloud's reproduction of
devstack's INI functions, quirks included: iniget_multiline prints every
value on one line), the services and the CLIs by recorders. What nova then
reads from the resulting nova.conf is checked with nova's own option
definitions (``nova_config.scheduler_conf``).
"""

import configparser
import glob
import os
import shutil
import subprocess
import sys

import fixtures
from oslotest import base

from aerospike_filters.whatif import nova_config
import tests
from tests import TOP

PLUGIN = os.path.join(TOP, 'devstack', 'plugin.sh')
SETTINGS = os.path.join(TOP, 'devstack', 'settings')
INI_TOOL = os.path.join(TOP, 'tools', 'realcloud', 'ini.py')
NOVA_ENABLED = ['ComputeFilter', 'ComputeCapabilitiesFilter',
                'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
                'ServerGroupAffinityFilter']

HARNESS = r'''
set -o errexit -o nounset -o pipefail
DEST={dest}; DATA_DIR={dest}/data; NOVA_CONF={conf}
NOVA_CPU_CONF={dest}/nova-cpu.conf; TEMPEST_CONFIG={dest}/tempest.conf
LOG={dest}/calls.log
ENABLED_SERVICES=",{services},"
function is_service_enabled {{
    local s
    for s in "$@"; do
        [[ "$ENABLED_SERVICES" == *",$s,"* ]] && return 0
    done
    return 1
}}
function enable_service {{ ENABLED_SERVICES+="$1,"; }}
function echo_summary {{ echo "summary: $*" >> "$LOG"; }}
function setup_develop {{ echo "setup_develop $*" >> "$LOG"; }}
function stop_nova_compute {{ echo "stop_nova_compute" >> "$LOG"; }}
function start_nova_compute {{ echo "start_nova_compute" >> "$LOG"; }}
function wait_for_compute {{ echo "wait_for_compute $*" >> "$LOG"; }}
NOVA_READY_TIMEOUT=60
AEROSPIKE_FILTERS_PROVIDER_CONFIG={dest}/provider_config/aerospike.yaml
function iniset {{ {python} {ini} set "$@"; }}
function iniadd {{ {python} {ini} add "$@"; }}
function iniget {{ {python} {ini} get "$@"; }}
function iniget_multiline {{ {python} {ini} get_multiline "$@"; }}
function inidelete {{ {python} {ini} delete "$@"; }}
function openstack {{
    echo "openstack $*" >> "$LOG"
    if [[ "$1 $2" == "flavor show" ]]; then
        grep -qx "created $3" "$LOG" && echo "id-$3"
    fi
}}
function aerospike-filters {{
    echo "aerospike-filters $*" >> "$LOG"
    if [[ "$1 $3" == "flavor aerospike.nvme" && -n "${{NO_NVME_HOST:-}}" ]]
    then
        echo "no compute node carries CUSTOM_AEROSPIKE_STORAGE_NVME" >&2
        return 2
    fi
    if [[ "$1" == "flavor" ]]; then echo "created $3" >> "$LOG"; fi
    if [[ "$1" == "probe" ]]; then echo '{{"ephemeral_backend": "lvm"}}'; fi
}}
source {settings}
source {plugin} {phase}
'''

DEVSTACK_NOVA_CONF = '''[DEFAULT]
debug = True

[filter_scheduler]
available_filters = nova.scheduler.filters.all_filters
enabled_filters = ComputeFilter,AvailabilityZoneFilter,PciPassthroughFilter
track_instance_changes = False

[pci]
alias = {"name": "nvme", "vendor_id": "144d", "product_id": "a80a"}
'''


class TestDevstackPlugin(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        if not shutil.which('bash'):
            self.skipTest('bash is not installed')
        self.dest = self.useFixture(fixtures.TempDir()).path
        self.conf = os.path.join(self.dest, 'nova.conf')

    def stack(self, *phase, services='aerospike-filters,n-cpu', env=None):
        script = HARNESS.format(
            dest=self.dest, conf=self.conf, services=services,
            python=sys.executable, ini=INI_TOOL, settings=SETTINGS,
            plugin=PLUGIN, phase=' '.join(phase))
        result = subprocess.run(['bash', '-c', script], capture_output=True,
                                text=True, timeout=60,
                                env=dict(os.environ, **(env or {})))
        self.assertEqual(0, result.returncode, result.stderr)
        return result

    def calls(self):
        path = os.path.join(self.dest, 'calls.log')
        return open(path).read().splitlines() if os.path.exists(path) \
            else []

    def nova_reads(self):
        return nova_config.scheduler_conf([self.conf])

    def text(self):
        with open(self.conf) as stream:
            return stream.read()

    def test_install_into_novas_environment(self):
        self.stack('stack', 'install')
        self.assertIn('setup_develop %s/aerospike-filters' % self.dest,
                      self.calls())

    def test_post_config_on_a_fresh_nova_conf(self):
        self.stack('stack', 'post-config')
        conf = self.nova_reads()
        self.assertEqual(['nova.scheduler.filters.all_filters',
                          'aerospike_filters.all_filters'],
                         conf.filter_scheduler.available_filters)
        # The strict rack filter last: it counts over the hosts the others
        # pass.
        self.assertEqual(NOVA_ENABLED + ['AerospikeStorageFilter',
                                         'AerospikeRackFilter'],
                         conf.filter_scheduler.enabled_filters)
        self.assertEqual(['nova.scheduler.weights.all_weighers',
                          'aerospike_filters.all_weighers'],
                         conf.filter_scheduler.weight_classes)
        self.assertEqual(40.0,
                         conf.aerospike_filters.storage_weight_multiplier)
        self.assertFalse(conf.aerospike_filters.isolate_dedicated_hosts)

    def test_post_config_keeps_devstacks_settings_and_is_idempotent(self):
        with open(self.conf, 'w') as stream:
            stream.write(DEVSTACK_NOVA_CONF)
        self.stack('stack', 'post-config')
        first = self.text()
        self.stack('stack', 'post-config')
        self.assertEqual(first, self.text())
        conf = self.nova_reads()
        self.assertEqual(['nova.scheduler.filters.all_filters',
                          'aerospike_filters.all_filters'],
                         conf.filter_scheduler.available_filters)
        self.assertEqual(['ComputeFilter', 'AvailabilityZoneFilter',
                          'PciPassthroughFilter', 'AerospikeStorageFilter',
                          'AerospikeRackFilter'],
                         conf.filter_scheduler.enabled_filters)
        self.assertFalse(conf.filter_scheduler.track_instance_changes)
        self.assertIn('debug = True', first)

    def test_options_from_settings_variables(self):
        # local.conf variables reach the plugin through the environment.
        self.useFixture(fixtures.EnvironmentVariable(
            'AEROSPIKE_FILTERS_ISOLATE_DEDICATED_HOSTS', 'True'))
        self.useFixture(fixtures.EnvironmentVariable(
            'AEROSPIKE_FILTERS_HOST_BACKENDS', 'c1:lvm,c2:qcow2'))
        self.stack('stack', 'post-config')
        conf = self.nova_reads()
        self.assertTrue(conf.aerospike_filters.isolate_dedicated_hosts)
        self.assertEqual({'c1': 'lvm', 'c2': 'qcow2'},
                         conf.aerospike_filters.host_backends)

    def test_extra_publishes_and_creates_flavors(self):
        with open(self.conf, 'w') as stream:
            stream.write(DEVSTACK_NOVA_CONF)
        self.stack('stack', 'extra', services='aerospike-filters,n-cpu,n-api')
        facts = os.path.join(self.dest, 'provider_config', 'aerospike.yaml')
        calls = [c for c in self.calls()
                 if c.startswith(('aerospike-', 'stop_', 'start_', 'wait_'))]
        # The compute's facts into nova's provider config, read by
        # nova-compute at start: no credential on the compute.
        self.assertEqual('aerospike-filters probe --nova-conf %s '
                         '--provider-config %s' % (self.conf, facts),
                         calls[0])
        self.assertTrue(os.path.isdir(os.path.dirname(facts)))
        self.assertEqual(['stop_nova_compute', 'start_nova_compute',
                          'wait_for_compute 60'], calls[1:4])
        # The controller follows the published facts.
        self.assertTrue(calls[4].startswith(
            'aerospike-filters trait sync-facts --config-file %s'
            % self.conf))
        self.assertFalse([c for c in calls if ' sync --report' in c])
        # Every compute node's traits, before flavors that require them.
        self.assertTrue(calls[5].startswith(
            'aerospike-filters trait publish --config-file %s' % self.conf))
        created = [c.split()[3] for c in calls if ' flavor create ' in c]
        self.assertEqual(['aerospike.local', 'aerospike.lvm',
                          'aerospike.nvme'], created)
        nvme = [c for c in calls if 'aerospike.nvme' in c][0]
        self.assertIn('--nvme-devices 1 --nvme-alias nvme', nvme)
        # Re-running stack.sh creates nothing twice.
        self.stack('stack', 'extra')
        created = [c for c in self.calls() if ' flavor create ' in c]
        self.assertEqual(3, len(created))

    def test_compute_side_sync_only_when_asked_for(self):
        """AEROSPIKE_FILTERS_SYNC=True: the older, cloud-admin flow."""
        with open(self.conf, 'w') as stream:
            stream.write(DEVSTACK_NOVA_CONF)
        self.stack('stack', 'extra', env={'AEROSPIKE_FILTERS_SYNC': 'True',
                                          'AEROSPIKE_FILTERS_FACTS': 'False'})
        calls = [c for c in self.calls() if c.startswith('aerospike-')]
        self.assertEqual('aerospike-filters probe --nova-conf %s'
                         % self.conf, calls[0])
        self.assertIn('aerospike-filters sync --report', calls[1])
        self.assertIn(' --traits --config-file %s' % self.conf, calls[1])
        self.assertFalse([c for c in calls if 'sync-facts' in c])
        self.assertNotIn('stop_nova_compute', self.calls())

    def test_probes_the_conf_nova_compute_runs_with(self):
        """devstack starts nova-compute with nova-cpu.conf when it has one."""
        with open(self.conf, 'w') as stream:
            stream.write(DEVSTACK_NOVA_CONF)
        cpu_conf = os.path.join(self.dest, 'nova-cpu.conf')
        with open(cpu_conf, 'w') as stream:
            stream.write('[libvirt]\nimages_type = raw\n')
        self.stack('stack', 'extra')
        probes = [c for c in self.calls() if ' probe ' in c]
        self.assertEqual(['aerospike-filters probe --nova-conf %s '
                          '--provider-config %s/provider_config/aerospike.yaml'
                          % (cpu_conf, self.dest)], probes)

    def test_no_nvme_flavor_where_no_host_offers_nvme(self):
        """flavor create refuses the trait: stack goes on, records nothing."""
        with open(self.conf, 'w') as stream:
            stream.write(DEVSTACK_NOVA_CONF)
        result = self.stack('stack', 'extra', env={'NO_NVME_HOST': '1'})
        self.assertIn('aerospike.nvme not created', result.stdout)
        created = [line for line in self.calls()
                   if line.startswith('created ')]
        self.assertEqual(['created aerospike.local', 'created aerospike.lvm'],
                         created)
        with open(os.path.join(self.dest, 'data', 'aerospike-filters',
                               'flavors')) as stream:
            self.assertEqual(['aerospike.local', 'aerospike.lvm'],
                             stream.read().split())

    def test_no_nvme_flavor_without_an_alias(self):
        self.stack('stack', 'extra', services='aerospike-filters')
        calls = self.calls()
        self.assertFalse([c for c in calls if ' probe ' in c])
        created = [c.split()[3] for c in calls if ' flavor create ' in c]
        self.assertEqual(['aerospike.local', 'aerospike.lvm'], created)

    def tempest_conf(self):
        conf = configparser.ConfigParser()
        conf.read(os.path.join(self.dest, 'tempest.conf'))
        return conf

    def test_test_config_makes_tempests_flavors_tagged(self):
        self.stack('stack', 'test-config',
                   services='aerospike-filters,tempest',
                   env={'AEROSPIKE_FILTERS_TEMPEST_TAGGED': 'True'})
        creates = [c for c in self.calls()
                   if c.startswith('aerospike-filters flavor create')]
        self.assertEqual(2, len(creates), creates)
        self.assertIn('flavor create aerospike.tempest --storage local '
                      '--vcpus 1 --ram 1024 ', creates[0])
        self.assertIn('flavor create aerospike.tempest.alt --storage local '
                      '--vcpus 1 --ram 2048 ', creates[1])
        conf = self.tempest_conf()
        self.assertEqual('id-aerospike.tempest',
                         conf.get('compute', 'flavor_ref'))
        self.assertEqual('id-aerospike.tempest.alt',
                         conf.get('compute', 'flavor_ref_alt'))
        self.assertTrue(conf.has_option('aerospike_filters',
                                        'doctor_command'))

    def test_test_config_untagged_keeps_tempests_flavors(self):
        self.stack('stack', 'test-config',
                   services='aerospike-filters,tempest')
        self.assertEqual([], [c for c in self.calls()
                              if 'flavor create' in c])
        conf = self.tempest_conf()
        self.assertFalse(conf.has_option('compute', 'flavor_ref'))
        self.assertTrue(conf.has_option('aerospike_filters',
                                        'doctor_command'))

    def test_test_config_without_tempest_does_nothing(self):
        self.stack('stack', 'test-config')
        self.assertFalse(os.path.exists(os.path.join(self.dest,
                                                     'tempest.conf')))

    def test_clean_undoes_the_configuration(self):
        with open(self.conf, 'w') as stream:
            stream.write(DEVSTACK_NOVA_CONF)
        self.stack('stack', 'post-config')
        self.stack('stack', 'extra')
        self.stack('clean')
        conf = self.nova_reads()
        self.assertEqual(['nova.scheduler.filters.all_filters'],
                         conf.filter_scheduler.available_filters)
        self.assertEqual(['ComputeFilter', 'AvailabilityZoneFilter',
                          'PciPassthroughFilter'],
                         conf.filter_scheduler.enabled_filters)
        self.assertEqual(['nova.scheduler.weights.all_weighers'],
                         conf.filter_scheduler.weight_classes)
        deleted = [c for c in self.calls() if 'flavor delete' in c]
        self.assertEqual(3, len(deleted))

    def test_enabling_the_plugin_enables_its_service(self):
        self.stack('stack', 'post-config', services='n-cpu')
        self.assertIn('aerospike_filters.all_filters', self.text())


class TestShellQuality(base.BaseTestCase):

    def test_shellcheck_clean(self):
        shellcheck = tests.executable(self, 'shellcheck')
        result = subprocess.run(
            [shellcheck, '-s', 'bash', PLUGIN, SETTINGS],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(0, result.returncode, result.stdout)

    def test_the_real_cloud_builder_and_ci_are_shellcheck_clean(self):
        """tools/realcloud sources devstack's files: checked with them."""
        shellcheck = tests.executable(self, 'shellcheck')
        realcloud = os.path.join(tests.TOP, 'tools', 'realcloud')
        scripts = [os.path.join(realcloud, name)
                   for name in ('realcloud', 'run-integration')]
        scripts += sorted(glob.glob(os.path.join(realcloud, 'lib', '*')))
        scripts.append(os.path.join(tests.TOP, '.ci', 'run'))
        result = subprocess.run(
            [shellcheck, '-x', '-s', 'bash'] + scripts, cwd=tests.TOP,
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stdout)

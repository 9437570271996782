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

"""Bad configuration stops nova-scheduler at start, naming the option."""

import fixtures
from nova.scheduler import host_manager
from nova import test
from oslo_config import fixture as config_fixture

from aerospike_filters import conf
from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import storage_weigher

BAD_VALUES = {
    'host_backends': 'compute1:lvm,compute2:zfs',
    'storage_weight_multiplier': 'heavy',
    'isolate_dedicated_hosts': 'maybe',
    'allow_nvme_on_unsuitable_backend': 'perhaps',
    'ephemeral_backend_key': '',
}


class TestConfigErrors(test.NoDBTestCase):

    def test_each_bad_value_names_its_option(self):
        for option, value in BAD_VALUES.items():
            # Values as if read from nova.conf: checked when read.
            with config_fixture.Config(conf.CONF) as config:
                config.load_raw_values(group=conf.GROUP, **{option: value})
                for plugin in (storage_filter.AerospikeStorageFilter,
                               storage_weigher.AerospikeStorageWeigher):
                    exc = self.assertRaises(conf.ConfigError, plugin)
                    self.assertIn(option, str(exc))
                    self.assertIn(conf.GROUP, str(exc))
        # Afterwards the defaults load again.
        storage_filter.AerospikeStorageFilter()

    def test_good_values_load(self):
        self.useFixture(config_fixture.Config(conf.CONF)).load_raw_values(
            group=conf.GROUP, host_backends='compute1:LVM,compute2:flat',
            storage_weight_multiplier='-2.5',
            nvme_pci_aliases='nvme, nvme-big')
        settings = conf.read_settings()
        self.assertEqual({'compute1': 'LVM', 'compute2': 'flat'},
                         settings.host_backends)
        self.assertEqual(frozenset(['nvme', 'nvme-big']),
                         settings.nvme_pci_aliases)


class TestFiles(test.NoDBTestCase):

    def test_an_override_of_the_global_conf_stays_there(self):
        # nova's flags (and whatif's nova.conf loading) set overrides on
        # the global CONF; a tool reading nova.conf files must not see
        # them.
        self.flags(failure_domain_key='rack', rack_weight_multiplier=3.0,
                   group=conf.GROUP)
        path = self.useFixture(fixtures.TempDir()).join('nova.conf')
        with open(path, 'w') as stream:
            stream.write('[aerospike_filters]\nfailure_domain_key = row\n')
        settings = conf.settings_from_files([path])
        self.assertEqual('row', settings.failure_domain_key)
        self.assertEqual(100.0, settings.rack_weight_multiplier)
        self.assertEqual('rack', conf.read_settings().failure_domain_key)


class TestSchedulerStart(test.TestCase):
    """nova-scheduler's HostManager refuses to start on a bad value."""

    def test_host_manager_fails_naming_the_option(self):
        self.flags(available_filters=['nova.scheduler.filters.all_filters',
                                      'aerospike_filters.all_filters'],
                   enabled_filters=['ComputeFilter',
                                    'AerospikeStorageFilter'],
                   group='filter_scheduler')
        self.useFixture(config_fixture.Config(conf.CONF)).load_raw_values(
            group=conf.GROUP, host_backends='compute1:zfs')
        exc = self.assertRaises(conf.ConfigError,
                                host_manager.HostManager)
        self.assertIn('host_backends', str(exc))
        self.assertIn('zfs', str(exc))

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

"""Entry points, nova's loader and the cheap package import."""

from importlib import metadata

from nova.scheduler import filters
from nova.scheduler import host_manager
from nova.scheduler import weights
from nova import test
from stevedore import extension

import aerospike_filters
from aerospike_filters.scheduler import rack_filter
from aerospike_filters.scheduler import rack_weigher
from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import storage_weigher


class TestEntryPoints(test.NoDBTestCase):

    def test_all_filters_and_weighers(self):
        self.assertEqual([rack_filter.AerospikeRackFilter,
                          storage_filter.AerospikeStorageFilter],
                         aerospike_filters.all_filters())
        self.assertEqual([rack_weigher.AerospikeRackWeigher,
                          storage_weigher.AerospikeStorageWeigher],
                         aerospike_filters.all_weighers())

    def test_nova_loaders_accept_the_functions(self):
        found = filters.HostFilterHandler().get_matching_classes(
            ['nova.scheduler.filters.all_filters',
             'aerospike_filters.all_filters'])
        self.assertIn(storage_filter.AerospikeStorageFilter, found)
        found = weights.HostWeightHandler().get_matching_classes(
            ['nova.scheduler.weights.all_weighers',
             'aerospike_filters.all_weighers'])
        self.assertIn(storage_weigher.AerospikeStorageWeigher, found)

    def test_oslo_config_opts_entry_point(self):
        manager = extension.ExtensionManager('oslo.config.opts')
        opts = dict(manager['aerospike_filters'].plugin())
        names = {o.name for group_opts in opts.values() for o in group_opts}
        self.assertIn('storage_weight_multiplier', names)

    def test_plain_install_never_pulls_in_nova(self):
        requires = metadata.requires('aerospike-filters')
        nova = [r for r in requires if r.split(';')[0].strip().startswith(
            'nova')]
        self.assertTrue(nova)
        for requirement in nova:
            self.assertIn('extra == "nova"', requirement)

    def test_console_script_entry_point(self):
        scripts = metadata.entry_points(group='console_scripts',
                                        name='aerospike-filters')
        self.assertEqual(['aerospike_filters.cmd.main:main'],
                         [script.value for script in scripts])
        self.assertTrue(callable(next(iter(scripts)).load()))


class TestHostManager(test.TestCase):
    """nova-scheduler's HostManager (with its database) loads both."""

    def test_host_manager_enables_them_from_nova_conf(self):
        self.flags(available_filters=['nova.scheduler.filters.all_filters',
                                      'aerospike_filters.all_filters'],
                   enabled_filters=['ComputeFilter',
                                    'AerospikeStorageFilter'],
                   weight_classes=['nova.scheduler.weights.all_weighers',
                                   'aerospike_filters.all_weighers'],
                   group='filter_scheduler')
        manager = host_manager.HostManager()
        self.assertIn('AerospikeStorageFilter',
                      [f.__class__.__name__ for f in manager.enabled_filters])
        self.assertIn('AerospikeStorageWeigher',
                      [w.__class__.__name__ for w in manager.weighers])

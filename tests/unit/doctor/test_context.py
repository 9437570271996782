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

"""The Context every check takes: what it computes, and when."""

from aerospike_filters import conf
from tests.unit import base
from tests.unit import doctor


class TestContext(base.NovaTestCase):

    def test_settings_of_the_given_nova_conf(self):
        context = doctor.make_context(
            self, doctor.GOOD_CONF + '[aerospike_filters]\n'
            'storage_weight_multiplier = 7\n')
        self.assertEqual(7.0, context.settings.storage_weight_multiplier)
        self.assertIsNone(context.settings_error)

    def test_bad_plugin_values_are_an_error_not_settings(self):
        context = doctor.make_context(
            self, doctor.GOOD_CONF + '[aerospike_filters]\n'
            'host_backends = c1:zfs\n', data=base.snapshot({'c1': 'lvm'}))
        self.assertIsNone(context.settings)
        self.assertIsInstance(context.settings_error, conf.ConfigError)
        # Without settings, nothing judges the cloud.
        self.assertFalse(context.cloud)

    def test_without_nova_conf_the_defaults(self):
        context = doctor.make_context(self)
        self.assertEqual(conf.read_settings(), context.settings)
        self.assertFalse(context.cloud)
        self.assertEqual(1000, context.max_candidates)

    def test_max_candidates_of_the_given_nova_conf(self):
        context = doctor.make_context(
            self, doctor.GOOD_CONF + '[scheduler]\n'
            'max_placement_results = 3\n')
        self.assertEqual(3, context.max_candidates)

    def test_shared_pieces_of_the_cloud(self):
        data = base.snapshot({'lvm-1': 'lvm', 'raw-1': 'raw'})
        data['hosts'][0]['traits'] = ['CUSTOM_AEROSPIKE_LVM']
        context = doctor.make_context(self, data=data)
        self.assertTrue(context.cloud)
        self.assertEqual({'CUSTOM_AEROSPIKE_LVM'}, context.carried)
        self.assertEqual(['backend-lvm'],
                         [a['name'] for a in context.aggregates_of['lvm-1']])
        self.assertEqual([], context.aggregates_of['nobody'])
        self.assertTrue(context.pci_known)

    def test_hosts_for_is_the_real_filter(self):
        context = doctor.make_context(self, data=base.snapshot(
            {'lvm-1': 'lvm', 'raw-1': 'raw', 'bare-1': None}))
        self.assertEqual(['lvm-1'], context.hosts_for(
            {'aerospike:storage': 'lvm'}).passing)
        self.assertEqual(['lvm-1', 'raw-1'], sorted(context.hosts_for(
            {'aerospike:storage': 'lvm,raw'}).passing))
        # The HostStates are built once, for every flavor.
        self.assertIs(context.host_states, context.host_states)

    def test_a_request_nova_cannot_build_has_no_host(self):
        context = doctor.make_context(self, data=base.snapshot(
            {'nvme-1': ('lvm', 2)}))
        self.assertEqual(([], []), context.hosts_for(
            {'aerospike:storage': 'nvme',
             'pci_passthrough:alias': 'undefined:1'}))

    def test_aliases_the_snapshots_else_nova_confs(self):
        data = base.snapshot({'c1': 'lvm'})
        read = []

        def read_aliases():
            read.append('nova.conf')
            return [base.NVME_ALIAS]

        context = doctor.make_context(self, data=data,
                                      read_aliases=read_aliases)
        self.assertEqual([base.NVME_ALIAS], context.aliases)
        data['pci_aliases'] = [base.OTHER_ALIAS]
        context = doctor.make_context(self, data=data,
                                      read_aliases=read_aliases)
        self.assertEqual([base.OTHER_ALIAS], context.aliases)
        self.assertEqual(['nova.conf'], read)

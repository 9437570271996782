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

"""The checks of the scheduler's nova.conf and of nova-api's environment.

nova.conf is read with nova's own option definitions and its loaders
load the configured paths, as in nova-scheduler.
"""

import json

from aerospike_filters.doctor import config_checks
from aerospike_filters.doctor import findings
from tests.unit import base
from tests.unit import doctor

NVME_FLAVOR = {'name': 'nv', 'extra_specs': {
    'aerospike:storage': 'nvme', 'pci_passthrough:alias': 'nvme:1'}}
ALIAS_LINE = json.dumps(base.NVME_ALIAS)


class TestConfigChecks(base.NovaTestCase):

    def run_check(self, check, conf_text=None, data=None):
        context = doctor.make_context(self, conf_text, data)
        return findings.settle(check(context), context.scheduler_conf)

    def test_a_good_nova_conf_has_no_finding(self):
        for _, check in [
                ('given', config_checks.nova_conf_given),
                ('filters', config_checks.filters_and_weigher),
                ('options', config_checks.plugin_options),
                ('balance', config_checks.weigher_balance),
                ('misspelt', config_checks.misspelt_options),
                ('aliases', config_checks.pci_aliases),
                ('nvme', config_checks.nvme_requests)]:
            self.assertEqual([], self.run_check(
                check, doctor.GOOD_CONF,
                base.snapshot({'c1': 'lvm'})), check.__name__)

    def test_no_nova_conf_given(self):
        self.assertEqual(
            [findings.Finding(
                findings.INFO, 'nova.conf', 'no nova.conf checked',
                "pass the scheduler's nova.conf with --config-file")],
            self.run_check(config_checks.nova_conf_given))
        # The checks that need it say nothing.
        for check in (config_checks.filters_and_weigher,
                      config_checks.misspelt_options,
                      config_checks.weigher_balance,
                      config_checks.pci_aliases):
            self.assertEqual([], self.run_check(check), check.__name__)

    def test_filter_neither_available_nor_enabled_weigher_unlisted(self):
        found = self.run_check(config_checks.filters_and_weigher,
                               '[filter_scheduler]\n'
                               'enabled_filters = ComputeFilter\n'
                               'weight_classes = nova.scheduler.weights.'
                               'all_weighers\n')
        self.assertEqual(
            [(findings.ERROR, '[filter_scheduler] available_filters'),
             (findings.ERROR, '[filter_scheduler] enabled_filters'),
             (findings.WARNING, '[filter_scheduler] weight_classes')],
            [(f.severity, f.subject) for f in found])
        self.assertEqual(
            'add a second line to [filter_scheduler] in nova.conf: '
            'available_filters = aerospike_filters.all_filters', found[0].fix)
        self.assertEqual(
            'in nova.conf, [filter_scheduler] enabled_filters = '
            'ComputeFilter,AerospikeStorageFilter; then restart '
            'nova-scheduler', found[1].fix)
        self.assertEqual(
            'in nova.conf, [filter_scheduler] weight_classes = '
            'nova.scheduler.weights.all_weighers,'
            'aerospike_filters.all_weighers; then restart nova-scheduler',
            found[2].fix)

    def test_only_the_plugins_filters_available(self):
        found = self.run_check(
            config_checks.filters_and_weigher,
            doctor.GOOD_CONF.replace(
                'available_filters = nova.scheduler.filters.all_filters\n',
                ''))
        self.assertEqual([(
            findings.WARNING, '[filter_scheduler] available_filters',
            "nova's own filters are not available (only "
            "aerospike_filters.all_filters)")],
            [f[:3] for f in found])

    def test_paths_nova_cannot_load(self):
        found = self.run_check(
            config_checks.filters_and_weigher,
            doctor.GOOD_CONF.replace('weight_classes = ',
                                     'weight_classes = no.such.Weigher,'))
        self.assertEqual(['[filter_scheduler] weight_classes'],
                         [f.subject for f in found])
        self.assertIn('nova cannot load them', found[0].problem)

    def test_bad_plugin_value(self):
        found = self.run_check(config_checks.plugin_options,
                               doctor.GOOD_CONF + '[aerospike_filters]\n'
                               'host_backends = c1:zfs\n')
        self.assertEqual([(findings.ERROR, '[aerospike_filters]')],
                         [f[:2] for f in found])
        self.assertIn('zfs', found[0].problem)
        self.assertEqual([], self.run_check(
            config_checks.weigher_balance, doctor.GOOD_CONF +
            '[aerospike_filters]\nhost_backends = c1:zfs\n'))

    def test_other_weighers_outweighing_the_tiers(self):
        text = doctor.GOOD_CONF.replace(
            'weight_classes = ', 'weight_classes = '
            'nova.scheduler.weights.ram.RAMWeigher,') + (
            'ram_weight_multiplier = 1000\n')
        context = doctor.make_context(self, text)
        self.assertEqual(1000.0, config_checks.other_weighers_sum(
            context.scheduler_conf,
            context.scheduler_conf.filter_scheduler.weight_classes))
        found = self.run_check(config_checks.weigher_balance, text)
        self.assertEqual(
            [(findings.WARNING,
              '[aerospike_filters] storage_weight_multiplier')],
            [f[:2] for f in found])
        self.assertTrue(found[0].fix.startswith(
            'in nova.conf, [aerospike_filters] storage_weight_multiplier = '))

    def test_misspelt_section_and_option(self):
        found = self.run_check(config_checks.misspelt_options,
                               doctor.GOOD_CONF + '[aerospike_filter]\n'
                               'x = 1\n[aerospike_filters]\n'
                               'storage_weight_multipler = 3\n')
        self.assertEqual(['[aerospike_filter]',
                          '[aerospike_filters] storage_weight_multipler'],
                         [f.subject for f in found])
        self.assertIn('rename the section [aerospike_filter] to '
                      '[aerospike_filters]', found[0].fix)
        self.assertIn('rename storage_weight_multipler to '
                      'storage_weight_multiplier in [aerospike_filters]',
                      found[1].fix)

    def test_unreadable_alias_line(self):
        found = self.run_check(config_checks.pci_aliases, doctor.GOOD_CONF +
                               '[pci]\nalias = notjson\n')
        self.assertEqual([(findings.ERROR, '[pci] alias')],
                         [f[:2] for f in found])
        self.assertIn('entry notjson is not a JSON object', found[0].problem)
        self.assertIn('replace it with a [pci] alias line', found[0].fix)

    def test_validators_registered_here(self):
        self.assertEqual([], config_checks.api_validators(
            doctor.make_context(self)))

    def test_nvme_requests_need_the_pci_filter_and_an_alias(self):
        data = base.snapshot({'c1': ('lvm', 2)})
        data['flavors'] = [NVME_FLAVOR]
        found = self.run_check(config_checks.nvme_requests,
                               doctor.GOOD_CONF, data)
        self.assertEqual(
            [(findings.ERROR, '[filter_scheduler] enabled_filters'),
             (findings.ERROR, '[pci] alias')],
            [f[:2] for f in found])
        # PciPassthroughFilter goes before the plugin's filter.
        self.assertEqual(
            'in nova.conf, [filter_scheduler] enabled_filters = '
            'ComputeFilter,PciPassthroughFilter,AerospikeStorageFilter; '
            'then restart nova-scheduler', found[0].fix)
        self.assertIn('add a [pci] alias line', found[1].fix)
        good = doctor.GOOD_CONF.replace(
            'ComputeFilter,', 'ComputeFilter,PciPassthroughFilter,') + (
            '[pci]\nalias = %s\n' % ALIAS_LINE)
        self.assertEqual([], self.run_check(config_checks.nvme_requests,
                                            good, data))

    def test_alias_fix_from_the_device_spec(self):
        data = base.snapshot({'c1': ('lvm', 2)})
        data['flavors'] = [NVME_FLAVOR]
        found = self.run_check(
            config_checks.nvme_requests, doctor.GOOD_CONF.replace(
                'ComputeFilter,', 'ComputeFilter,PciPassthroughFilter,') +
            '[pci]\ndevice_spec = {"vendor_id": "144d", '
            '"product_id": "a80a"}\n', data)
        self.assertEqual(
            'in nova.conf of nova-api, nova-scheduler and the computes, '
            '[pci] alias = {"name": "nvme", "vendor_id": "144d", '
            '"product_id": "a80a", "device_type": "type-PCI"}; then '
            'restart them', found[0].fix)

    def test_flavors_accepting_nvme_need_no_pci_filter(self):
        data = base.snapshot({'c1': 'lvm'})
        data['flavors'] = [{'name': 'local', 'extra_specs': {
            'aerospike:storage': 'local'}}]
        self.assertEqual([], self.run_check(config_checks.nvme_requests,
                                            doctor.GOOD_CONF, data))

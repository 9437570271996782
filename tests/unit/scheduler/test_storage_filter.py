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

"""AerospikeStorageFilter through nova's HostFilterHandler."""

import logging

import fixtures
from nova.scheduler import utils as scheduler_utils
from oslo_config import cfg

from aerospike_filters import conf
from aerospike_filters.scheduler import storage_filter
from tests.unit import base

LOCAL = {'aerospike:storage': 'local'}
#: local with one NVMe device requested: the nvme tier counts.
LOCAL_NVME = {'aerospike:storage': 'local', 'pci_passthrough:alias': 'nvme:1'}
NVME = {'aerospike:storage': 'nvme', 'pci_passthrough:alias': 'nvme:1'}
MIXED = {'lvm-1': 'lvm', 'raw-1': 'raw', 'flat-1': 'flat',
         'qcow2-1': 'qcow2', 'rbd-1': 'rbd', 'nfs-1': 'nfs',
         'ploop-1': 'ploop', 'vmdk-1': 'vmdk', 'bare-1': None,
         'nvme-1': (None, 2)}


class TestVerdicts(base.NovaTestCase):

    def test_untagged_flavor_passes_every_host(self):
        hosts = self.hosts(MIXED)
        self.assertEqual(sorted(MIXED), self.passing(hosts, {}))
        self.assertEqual(sorted(MIXED),
                         self.passing(hosts, {'hw:cpu_policy': 'shared'}))

    def test_local_is_lvm_or_raw_without_nvme_devices_requested(self):
        self.assertEqual(['flat-1', 'lvm-1', 'raw-1'],
                         self.passing(self.hosts(MIXED), LOCAL))

    def test_local_with_nvme_devices_requested_adds_nvme(self):
        self.assertEqual(['flat-1', 'lvm-1', 'nvme-1', 'raw-1'],
                         self.passing(self.hosts(MIXED), LOCAL_NVME))

    def test_each_tier_alone(self):
        hosts = self.hosts(MIXED)
        self.assertEqual(['lvm-1'], self.passing(
            hosts, {'aerospike:storage': 'lvm'}))
        self.assertEqual(['flat-1', 'raw-1'], self.passing(
            hosts, {'aerospike:storage': ' RAW '}))
        self.assertEqual(['nvme-1'], self.passing(hosts, NVME))
        self.assertEqual(['lvm-1', 'nvme-1'], self.passing(
            hosts, dict(NVME, **{'aerospike:storage': 'nvme,LVM,nvme'})))

    def test_nvme_counts_for_nothing_without_a_device_request(self):
        """The guest would get no drive: an NVMe host offers nothing."""
        hosts = self.hosts(MIXED)
        self.assertEqual(['lvm-1'], self.passing(
            hosts, {'aerospike:storage': 'nvme,lvm'}))
        # An undescribed NVMe host, qcow2 by default in truth, never takes
        # an Aerospike flavor that requests no drive.
        hosts = self.hosts({'nvme-qcow2-by-default': (None, 4)})
        self.assertEqual([], self.passing(hosts, LOCAL))

    def test_nvme_without_a_device_request_is_invalid(self):
        self.assertEqual([], self.passing(
            self.hosts(MIXED), {'aerospike:storage': 'nvme'}))

    def test_unsuitable_backend_rejected_even_with_nvme(self):
        hosts = self.hosts({'qcow2-nvme': ('qcow2', 4),
                            'rbd-nvme': ('rbd', 4)})
        self.assertEqual([], self.passing(hosts, LOCAL_NVME))
        self.assertEqual([], self.passing(hosts, NVME))

    def test_option_allows_nvme_on_unsuitable_backend(self):
        self.flags(allow_nvme_on_unsuitable_backend=True,
                   group='aerospike_filters')
        hosts = self.hosts({'qcow2-nvme': ('qcow2', 4), 'qcow2-1': 'qcow2'})
        self.assertEqual(['qcow2-nvme'], self.passing(hosts, NVME))
        # ...but never for a request that cannot use nvme.
        self.assertEqual([], self.passing(
            hosts, {'aerospike:storage': 'lvm,raw'}))
        self.assertEqual([], self.passing(hosts, LOCAL))

    def test_unknown_backend_needs_requested_nvme(self):
        hosts = self.hosts({'bare-1': None, 'bare-nvme': (None, 1)})
        self.assertEqual(['bare-nvme'], self.passing(hosts, LOCAL_NVME))
        self.assertEqual([], self.passing(hosts, LOCAL))
        self.assertEqual([], self.passing(
            hosts, {'aerospike:storage': 'lvm,raw'}))

    def test_unrecognised_value_is_unsuitable(self):
        hosts = self.hosts({'zfs-1': ('zfs', 2), 'lvm-1': 'lvm'})
        self.assertEqual(['lvm-1'], self.passing(hosts, LOCAL))

    def test_backend_value_is_case_insensitive(self):
        hosts = self.hosts({'lvm-1': ' LVM '})
        self.assertEqual(['lvm-1'], self.passing(
            hosts, {'aerospike:storage': 'lvm'}))

    def test_conflicting_aggregates_reject_host(self):
        extra = [{'name': 'also-qcow2', 'hosts': ['both-1'],
                  'metadata': {'ephemeral_backend': 'qcow2'}},
                 {'name': 'also-flat', 'hosts': ['agree-1'],
                  'metadata': {'ephemeral_backend': 'flat'}}]
        hosts = self.hosts({'both-1': ('lvm', 2), 'agree-1': 'raw'}, extra)
        self.assertEqual(['agree-1'], self.passing(hosts, LOCAL_NVME))

    def test_custom_backend_key(self):
        self.flags(ephemeral_backend_key='storage', group='aerospike_filters')
        extra = [{'name': 'custom', 'hosts': ['a-1'],
                  'metadata': {'storage': 'lvm'}}]
        hosts = self.hosts({'a-1': None, 'b-1': 'lvm'}, extra)
        self.assertEqual(['a-1'], self.passing(hosts, LOCAL))

    def test_host_backends_fallback_only_when_no_aggregate_says(self):
        self.flags(host_backends={'bare-1': 'lvm', 'qcow2-1': 'lvm',
                                  'bare-2': 'qcow2'},
                   group='aerospike_filters')
        hosts = self.hosts({'bare-1': None, 'bare-2': None,
                            'qcow2-1': 'qcow2'})
        self.assertEqual(['bare-1'], self.passing(hosts, LOCAL))

    def test_rebuild_is_not_filtered(self):
        hosts = self.hosts({'qcow2-1': 'qcow2'})
        spec = self.spec(LOCAL)
        # What nova's compute API sets for a rebuild with a new image.
        spec.scheduler_hints = {'_nova_check_type': ['rebuild']}
        spec.force_hosts = ['qcow2-1']
        self.assertTrue(scheduler_utils.request_is_rebuild(spec))
        self.assertEqual(['qcow2-1'], self.passing(hosts, spec=spec))

    def test_host_passes_agrees_with_filter_all(self):
        filt = storage_filter.AerospikeStorageFilter()
        for specs, passing in ((LOCAL, ('lvm-1', 'raw-1', 'flat-1')),
                               (LOCAL_NVME, ('lvm-1', 'raw-1', 'flat-1',
                                             'nvme-1'))):
            spec = self.spec(specs)
            for host in self.hosts(MIXED):
                self.assertEqual(host.host in passing,
                                 filt.host_passes(host, spec), host.host)


class TestNvme(base.NovaTestCase):

    def test_flavor_pci_request_sets_the_count(self):
        hosts = self.hosts({'one': (None, 1), 'two': (None, 2),
                            'three': ('lvm', 3)})
        self.assertEqual(['three', 'two'], self.passing(
            hosts, {'aerospike:storage': 'nvme',
                    'pci_passthrough:alias': 'nvme:2'}))

    def test_devices_of_other_products_do_not_count(self):
        hosts = self.hosts({'n-1': None})
        hosts[0].pci_stats.pools.append(
            dict(base.nvme_pool(3, product='ffff')))
        self.assertEqual([], self.passing(hosts, NVME))

    def test_only_configured_aliases_denote_nvme(self):
        self.use_pci_aliases([base.NVME_ALIAS, base.OTHER_ALIAS])
        hosts = self.hosts({'n-1': (None, 1)})
        hosts[0].pci_stats.pools.append(
            dict(base.nvme_pool(4, vendor='10de', product='1db6')))
        # 'gpu:2' is no NVMe request: nvme alone is an invalid flavor...
        self.assertEqual([], self.passing(
            hosts, {'aerospike:storage': 'nvme',
                    'pci_passthrough:alias': 'gpu:2'}))
        # ...and nvme next to another tier counts for nothing.
        self.assertEqual([], self.passing(
            hosts, {'aerospike:storage': 'local',
                    'pci_passthrough:alias': 'gpu:2'}))
        self.assertEqual(['n-1'], self.passing(
            hosts, {'aerospike:storage': 'nvme',
                    'pci_passthrough:alias': 'gpu:1,nvme:1'}))
        self.flags(nvme_pci_aliases=['gpu'], group='aerospike_filters')
        self.assertEqual(['n-1'], self.passing(
            hosts, {'aerospike:storage': 'nvme',
                    'pci_passthrough:alias': 'gpu:4'}))
        self.assertEqual([], self.passing(
            hosts, {'aerospike:storage': 'nvme',
                    'pci_passthrough:alias': 'gpu:5'}))

    def test_no_alias_configured_means_no_nvme_tier(self):
        self.flags(nvme_pci_aliases=[], group='aerospike_filters')
        hosts = self.hosts({'n-1': (None, 4), 'l-1': ('lvm', 4)})
        self.assertEqual(['l-1'], self.passing(hosts, LOCAL_NVME))

    def test_multi_create_consumes_devices(self):
        """nova's HostState.consume_from_request uses the devices up."""
        hosts = self.hosts({'n-1': (None, 2)})
        spec = self.spec({'aerospike:storage': 'nvme',
                          'pci_passthrough:alias': 'nvme:1'})
        for _ in range(2):
            self.assertEqual(['n-1'], self.passing(hosts, spec=spec))
            hosts[0].consume_from_request(spec)
        self.assertEqual([], self.passing(hosts, spec=spec))


class TestIsolation(base.NovaTestCase):

    DEDICATED = [{'name': 'aerospike-hosts', 'hosts': ['lvm-1'],
                  'metadata': {'aerospike_dedicated': 'True'}}]

    def test_off_by_default(self):
        hosts = self.hosts({'lvm-1': 'lvm', 'qcow2-1': 'qcow2'},
                           self.DEDICATED)
        self.assertEqual(['lvm-1', 'qcow2-1'], self.passing(hosts, {}))

    def test_on_keeps_untagged_off_dedicated_hosts(self):
        self.flags(isolate_dedicated_hosts=True, group='aerospike_filters')
        hosts = self.hosts({'lvm-1': 'lvm', 'qcow2-1': 'qcow2'},
                           self.DEDICATED)
        self.assertEqual(['qcow2-1'], self.passing(hosts, {}))
        self.assertEqual(['lvm-1'], self.passing(hosts, LOCAL))

    def test_false_metadata_is_not_dedicated(self):
        self.flags(isolate_dedicated_hosts=True, group='aerospike_filters')
        aggs = [dict(self.DEDICATED[0], metadata={
            'aerospike_dedicated': 'false'})]
        hosts = self.hosts({'lvm-1': 'lvm'}, aggs)
        self.assertEqual(['lvm-1'], self.passing(hosts, {}))


class TestCandidateCap(base.NovaTestCase):
    """When placement's cap may have hidden suitable hosts, say so."""

    def setUp(self):
        super().setUp()
        self.flags(max_placement_results=2, group='scheduler')
        self.log = self.useFixture(fixtures.FakeLogger(
            name=storage_filter.__name__, level=logging.INFO))

    def test_all_of_a_full_list_rejected_names_the_cap_and_the_fix(self):
        hosts = self.hosts({'q1': 'qcow2', 'q2': 'rbd'})
        self.assertEqual([], self.passing(hosts, LOCAL))
        self.assertIn('rejected 2 of 2 hosts: qcow2=1 rbd=1; placement '
                      'returned only [scheduler] max_placement_results=2 '
                      'candidates and the flavor requires no trait',
                      self.log.output)
        self.assertIn('aerospike-filters flavor repair test-flavor',
                      self.log.output)

    def test_a_flavor_with_its_trait_points_at_stale_host_traits(self):
        hosts = self.hosts({'q1': 'qcow2', 'q2': 'rbd'})
        self.passing(hosts, dict(LOCAL, **{
            'trait:CUSTOM_AEROSPIKE_STORAGE_LVM_RAW': 'required'}))
        self.assertIn('all carrying CUSTOM_AEROSPIKE_STORAGE_LVM_RAW, but '
                      'their facts no longer match it: republish host '
                      'traits', self.log.output)

    def test_no_note_below_the_cap_or_when_a_host_passes(self):
        self.passing(self.hosts({'q1': 'qcow2'}), LOCAL)
        self.passing(self.hosts({'q1': 'qcow2', 'l1': 'lvm'}), LOCAL)
        self.assertNotIn('max_placement_results', self.log.output)
        self.assertEqual(2, self.log.output.count('rejected'))


class TestNeverBreaksTheScheduler(base.NovaTestCase):

    def test_invalid_flavors_get_no_host_and_one_error_with_the_fix(self):
        cases = [
            ({'aerospike:storage': 'ssd'}, "'ssd'",
             "openstack --os-compute-api-version 2.86 flavor set --property "
             "aerospike:storage=local test-flavor"),
            # A typo in the key: not untagged, invalid.
            ({'aerospike:storag': 'lvm'}, 'aerospike:storag',
             "openstack --os-compute-api-version 2.86 flavor set --property "
             "aerospike:storage=lvm test-flavor && openstack flavor unset "
             "--property aerospike:storag test-flavor"),
            ({'aerospike:storage': 'lvm', 'aerospike:tier': 'x'},
             'aerospike:tier',
             'openstack flavor unset --property aerospike:tier test-flavor'),
            ({'aerospike:storage': 'nvme'}, 'requests no NVMe device',
             "openstack --os-compute-api-version 2.86 flavor set --property "
             "pci_passthrough:alias=nvme:1 test-flavor"),
        ]
        hosts = self.hosts(MIXED)
        for specs, problem, fix in cases:
            log = self.useFixture(fixtures.FakeLogger(
                name=storage_filter.__name__, level=logging.INFO))
            self.assertEqual([], self.passing(hosts, specs))
            lines = log.output.splitlines()
            self.assertEqual(1, len(lines), lines)
            self.assertIn('flavor test-flavor is invalid', lines[0])
            self.assertIn(problem, lines[0])
            self.assertTrue(lines[0].endswith('Fix it with: ' + fix),
                            lines[0])

    def test_unexpected_error_fails_closed_for_tagged(self):
        hosts = self.hosts({'lvm-1': 'lvm', 'raw-1': 'raw'})
        hosts[1].aggregates = None  # a partially filled HostState
        log = self.useFixture(fixtures.FakeLogger(
            name=storage_filter.__name__, level=logging.INFO))
        self.assertEqual([], self.passing(hosts, LOCAL))
        self.assertEqual(1, log.output.count('failed unexpectedly'))
        self.assertIn('fail closed', log.output)

    def test_unexpected_error_passes_untagged(self):
        self.flags(isolate_dedicated_hosts=True, group='aerospike_filters')
        hosts = self.hosts({'lvm-1': 'lvm', 'raw-1': 'raw'})
        hosts[1].aggregates = None
        self.assertEqual(['lvm-1', 'raw-1'], self.passing(hosts, {}))

    def test_bad_option_fails_at_start_naming_it(self):
        self.flags(ephemeral_backend_key=' ', group='aerospike_filters')
        exc = self.assertRaises(conf.ConfigError,
                                storage_filter.AerospikeStorageFilter)
        self.assertIn('ephemeral_backend_key', str(exc))

    def test_unknown_backend_in_host_backends_fails_naming_it(self):
        """A real nova.conf with a bad value, parsed by oslo.config."""
        path = self.useFixture(fixtures.TempDir()).join('nova.conf')
        with open(path, 'w') as stream:
            stream.write('[aerospike_filters]\nhost_backends = c1:zfs\n')
        config = cfg.ConfigOpts()
        conf.register_opts(config)
        config(['--config-file', path], project='nova',
               default_config_files=[], default_config_dirs=[])
        exc = self.assertRaises(conf.ConfigError,
                                conf.read_settings, config)
        self.assertIn('host_backends', str(exc))
        self.assertIn('zfs', str(exc))


class TestBootFromVolume(base.NovaTestCase):
    """A tagged guest booted from a volume needs a local disk for its data."""

    def bfv_spec(self, extra_specs, ephemeral_gb=0, is_bfv=True):
        spec = self.spec(extra_specs)
        spec.is_bfv = is_bfv
        spec.flavor.ephemeral_gb = ephemeral_gb
        return spec

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(
            name=storage_filter.__name__, level=logging.INFO))
        self.mixed = self.hosts(MIXED)

    def test_no_ephemeral_no_nvme_gets_no_host_and_one_line(self):
        self.assertEqual([], self.passing(self.mixed,
                                          spec=self.bfv_spec(LOCAL)))
        lines = self.log.output.splitlines()
        self.assertEqual(1, len(lines), lines)
        self.assertIn('flavor test-flavor gets no host', lines[0])
        self.assertIn('boots from a volume with no ephemeral disk and no '
                      'NVMe device', lines[0])
        self.assertIn('--ephemeral <GiB>', lines[0])
        self.assertIn('pci_passthrough:alias=nvme:<count>', lines[0])
        self.assertIn('boot from an image', lines[0])

    def test_an_ephemeral_disk_or_nvme_devices_schedule_as_today(self):
        self.assertEqual(self.passing(self.mixed, LOCAL), self.passing(
            self.mixed, spec=self.bfv_spec(LOCAL, ephemeral_gb=10)))
        self.assertEqual(self.passing(self.mixed, LOCAL_NVME), self.passing(
            self.mixed, spec=self.bfv_spec(LOCAL_NVME)))
        self.assertEqual(['flat-1', 'lvm-1', 'nvme-1', 'raw-1'],
                         self.passing(self.mixed,
                                      spec=self.bfv_spec(LOCAL_NVME)))
        self.assertNotIn('gets no host', self.log.output)

    def test_image_boot_and_untagged_unaffected(self):
        self.assertEqual(['flat-1', 'lvm-1', 'raw-1'], self.passing(
            self.mixed, spec=self.bfv_spec(LOCAL, is_bfv=False)))
        self.assertEqual(sorted(MIXED), self.passing(
            self.mixed, spec=self.bfv_spec({})))
        # A RequestSpec without is_bfv (older nova) boots from an image.
        self.assertEqual(['flat-1', 'lvm-1', 'raw-1'],
                         self.passing(self.mixed, LOCAL))
        self.assertNotIn('boots from a volume', self.log.output)

    def test_an_invalid_flavor_keeps_its_own_error(self):
        self.assertEqual([], self.passing(self.mixed, spec=self.bfv_spec(
            {'aerospike:storage': 'ssd'})))
        self.assertIn('is invalid', self.log.output)
        self.assertNotIn('boots from a volume', self.log.output)

    def test_the_weigher_gives_no_tier(self):
        from aerospike_filters.scheduler import evaluation
        verdicts = evaluation.RequestEvaluation(self.bfv_spec(LOCAL))
        verdict = verdicts.verdict(self.mixed[0])
        self.assertFalse(verdict.passes)
        self.assertEqual('no-local-disk', verdict.category)

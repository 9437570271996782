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

"""Properties of the filter and weigher over arbitrary cloud data.

Hypothesis draws flavor extra specs, aggregate metadata (any keys and
values, unicode, long strings, disagreeing aggregates), PCI pools and
partially filled HostStates. Whatever it draws:

* neither the filter nor the weigher raises;
* safety: a tagged request never passes a host whose backend is
  unsuitable, unrecognised, conflicting or unknown without NVMe devices
  (checked against an oracle written independently of the plugin);
* liveness: an untagged request passes every host when isolation is off;
* the verdicts do not depend on the order of the hosts.
"""

import random

from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st

from aerospike_filters import storage

from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import storage_weigher
from tests.unit import base

KEY = 'ephemeral_backend'
SUITABLE = {'lvm': 'lvm', 'raw': 'raw', 'flat': 'raw'}
BACKEND_WORDS = ['lvm', 'raw', 'flat', 'LVM', ' raw ', 'qcow2', 'rbd', 'nfs',
                 'ploop', 'vmdk', 'iscsi', 'zfs', '', 'lvm,raw', 'flät']

text = st.text(max_size=30)
long_text = st.text(min_size=0, max_size=3000)
# Mostly real backend words (hypothesis favours early, simple choices, so
# random text would crowd them out), sometimes anything at all.
backend_value = st.one_of(st.sampled_from(BACKEND_WORDS),
                          st.sampled_from(BACKEND_WORDS[::-1]),
                          st.sampled_from(BACKEND_WORDS[5:]), text)
metadata = st.dictionaries(
    st.one_of(st.sampled_from([KEY, 'aerospike_dedicated',
                               'aerospike_storage_weight_multiplier',
                               'availability_zone']), text),
    st.one_of(backend_value, long_text, st.sampled_from(
        ['true', 'True', '1', 'no', '-1', '2.5', 'nan', 'inf'])),
    max_size=4)
VALID_TIERS = ['local', 'nvme', 'lvm', 'raw', 'nvme,lvm', 'lvm,raw',
               ' RAW ', 'Local']
storage_value = st.one_of(
    st.sampled_from(VALID_TIERS), st.sampled_from(VALID_TIERS[::-1]),
    st.sampled_from(VALID_TIERS[3:]),
    st.sampled_from(['ssd', '', 'local,lvm', 'lvm;raw']), text)
extra_specs = st.one_of(
    st.just({}),
    st.builds(lambda v: {'aerospike:storage': v}, storage_value),
    st.builds(lambda v: {'aerospike:storage': v}, storage_value),
    st.dictionaries(
        st.one_of(st.sampled_from(['aerospike:storage', 'aerospike:other',
                                   'hw:cpu_policy', 'trait:FOO']), text),
        st.one_of(storage_value, long_text), max_size=3),
    st.builds(lambda v, n: {'aerospike:storage': v,
                            'pci_passthrough:alias': 'nvme:%d' % n},
              storage_value, st.integers(1, 4)))
pool = st.fixed_dictionaries({
    'vendor_id': st.sampled_from([base.NVME_VENDOR, '10de']),
    'product_id': st.sampled_from([base.NVME_PRODUCT, '1db6']),
    'dev_type': st.just('type-PCI'),
    'numa_node': st.sampled_from([0, 1]),
    'count': st.integers(0, 5)})


@st.composite
def clouds(draw):
    names = ['h%d' % i for i in range(draw(st.integers(1, 12)))]
    aggregates = []
    for _ in range(draw(st.integers(0, 6))):
        meta = draw(metadata)
        if draw(st.integers(0, 9)) < 7:  # most aggregates name a backend
            meta[KEY] = draw(backend_value)
        aggregates.append({'name': draw(text), 'metadata': meta,
                           'hosts': []})
    hosts = []
    for name in names:
        # Most hosts are in one or two aggregates, some in none.
        for index in draw(st.lists(st.integers(0, len(aggregates) - 1),
                                   max_size=2, unique=True)
                          if aggregates else st.just([])):
            aggregates[index]['hosts'].append(name)
        hosts.append({'host': name,
                      'pci_pools': draw(st.lists(pool, max_size=2))})
    return {'hosts': hosts, 'aggregates': aggregates}


def oracle_tiers(specs, nvme_devices):
    """The tiers a flavor's extra specs accept, by the contract's words.

    None when every host passes (untagged), an empty set when none may
    (an invalid flavor). Written from the contract, not from the code.
    """
    ours = [k for k in specs if k.startswith('aerospike:')]
    if not ours:
        return None
    if ours != ['aerospike:storage']:
        return set()
    words = {w.strip().lower() for w in specs['aerospike:storage'].split(',')}
    tiers = {'nvme', 'lvm', 'raw'} if words == {'local'} else words
    if not tiers <= {'nvme', 'lvm', 'raw'}:
        return set()
    # NVMe counts only with devices requested through the nvme alias.
    return tiers if nvme_devices else tiers - {'nvme'}


def oracle_may_pass(cloud, host, tiers, needed):
    """Whether a tagged request for ``tiers`` may pass ``host``."""
    values = [agg['metadata'][KEY] for agg in cloud['aggregates']
              if host['host'] in agg['hosts'] and KEY in agg['metadata']]
    kinds = {SUITABLE.get(v.strip().lower()) for v in values}
    if values:
        return None not in kinds and len(kinds) == 1 and (
            kinds.pop() in tiers or 'nvme' in tiers)
    free = sum(p['count'] for p in host['pci_pools']
               if (p['vendor_id'], p['product_id']) ==
               (base.NVME_VENDOR, base.NVME_PRODUCT))
    return 'nvme' in tiers and free >= needed


@st.composite
def simple_clouds(draw):
    """Clouds whose hosts are in at most one backend aggregate.

    No conflicts to hide behind, so every backend word meets every tier
    set often.
    """
    words = sorted(set(BACKEND_WORDS) | set(storage.BACKEND_NAMES))
    hosts, aggregates = [], []
    for i in range(draw(st.integers(1, 10))):
        name = 'h%d' % i
        value = draw(st.one_of(st.none(), st.sampled_from(words)))
        if value is not None:
            aggregates.append({'name': 'a%d' % i, 'hosts': [name],
                               'metadata': {KEY: value}})
        hosts.append({'host': name,
                      'pci_pools': draw(st.lists(pool, max_size=1))})
    return {'hosts': hosts, 'aggregates': aggregates}


FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])


class TestProperties(base.NovaTestCase):

    def build(self, cloud, specs):
        hosts = base.replay.host_states(cloud)
        try:
            spec = self.spec(specs)
        except Exception:
            # nova itself refuses such a flavor (e.g. a bad PCI alias).
            spec = self.spec({k: v for k, v in specs.items()
                              if k != 'pci_passthrough:alias'})
        return hosts, spec

    @FUZZ
    @given(clouds(), extra_specs, st.randoms(use_true_random=False))
    def test_never_raises_and_never_unsafe(self, cloud, specs, rng):
        hosts, spec = self.build(cloud, specs)
        filt = storage_filter.AerospikeStorageFilter()
        passed = filt.filter_all(list(hosts), spec)
        weights = storage_weigher.AerospikeStorageWeigher().weigh_objects(
            [base.weights.WeighedHost(h, 0.0) for h in hosts], spec)
        self.assertEqual(len(hosts), len(weights))
        needed = sum(r.count for r in spec.pci_requests.requests
                     if r.alias_name == 'nvme')
        tiers = oracle_tiers(spec.flavor.extra_specs, needed)
        if tiers is None:
            self.assertEqual(len(hosts), len(passed))
            return
        by_name = {h['host']: h for h in cloud['hosts']}
        for host in passed:
            self.assertTrue(
                oracle_may_pass(cloud, by_name[host.host], tiers, needed),
                (host.host, cloud, specs))
        # Order does not matter.
        shuffled = list(hosts)
        rng.shuffle(shuffled)
        again = filt.filter_all(shuffled, spec)
        self.assertEqual(sorted(h.host for h in passed),
                         sorted(h.host for h in again))

    @FUZZ
    @given(simple_clouds(), st.sampled_from(VALID_TIERS), st.booleans())
    def test_safety_for_every_backend_word(self, cloud, tiers_text, nvme):
        specs = {'aerospike:storage': tiers_text}
        if nvme:
            specs['pci_passthrough:alias'] = 'nvme:1'
        hosts, spec = self.build(cloud, specs)
        passed = storage_filter.AerospikeStorageFilter().filter_all(
            hosts, spec)
        tiers = oracle_tiers(specs, int(nvme))
        by_name = {h['host']: h for h in cloud['hosts']}
        for host in passed:
            self.assertTrue(oracle_may_pass(
                cloud, by_name[host.host], tiers, 1), (host.host, cloud))

    @FUZZ
    @given(clouds())
    def test_untagged_passes_every_host(self, cloud):
        hosts, spec = self.build(cloud, {'hw:cpu_policy': 'dedicated'})
        self.assertEqual(len(hosts), len(
            storage_filter.AerospikeStorageFilter().filter_all(hosts, spec)))

    @FUZZ
    @given(clouds(), extra_specs)
    def test_partially_filled_host_states(self, cloud, specs):
        hosts, spec = self.build(cloud, specs)
        for host in hosts:
            choice = random.Random(host.host).randrange(3)
            if choice == 0:
                host.pci_stats = None
            elif choice == 1:
                host.aggregates = None
        passed = storage_filter.AerospikeStorageFilter().filter_all(
            hosts, spec)
        tagged = oracle_tiers(spec.flavor.extra_specs, 1) is not None
        if any(h.aggregates is None for h in hosts) and tagged:
            self.assertEqual([], passed)
        storage_weigher.AerospikeStorageWeigher().weigh_objects(
            [base.weights.WeighedHost(h, 0.0) for h in hosts], spec)

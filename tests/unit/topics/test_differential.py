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

"""Differential test against nova's AggregateInstanceExtraSpecsFilter.

For backend-only cases (no NVMe devices, no disagreeing aggregates), the
plugin must decide exactly as nova's own filter does when the flavor asks
for the accepted backends with an equivalent ``<or>`` extra spec.
"""

import random

from nova.scheduler import filters
from nova.scheduler.filters import aggregate_instance_extra_specs as aies

from aerospike_filters import storage
from tests.unit import base

BACKEND_VALUES = ('lvm', 'raw', 'flat', 'qcow2', 'ploop', 'rbd', 'nfs',
                  'iscsi', 'vmdk', 'vdi', 'vhd', 'raw_cow')
TIER_VALUES = {storage.LVM: ('lvm',), storage.RAW: ('raw', 'flat')}
TIER_SETS = ('lvm', 'raw', 'lvm,raw')


def equivalent_or(tiers):
    values = [v for tier in tiers.split(',') for v in TIER_VALUES[tier]]
    return ' '.join('<or> %s' % value for value in values)


class TestAgainstAggregateInstanceExtraSpecsFilter(base.NovaTestCase):

    def random_cloud(self, rng):
        hosts = ['h%d' % i for i in range(rng.randint(1, 12))]
        aggregates = []
        for i, backend in enumerate(rng.sample(BACKEND_VALUES, 4)):
            members = [h for h in hosts if rng.random() < 0.3]
            aggregates.append({'name': 'agg-%d' % i, 'hosts': members,
                               'metadata': {'ephemeral_backend': backend}})
        # Keep only the first backend aggregate of each host (a second one
        # could disagree, which nova's filter does not treat as we do) but
        # add harmless aggregates without the key.
        seen = set()
        for agg in aggregates:
            agg['hosts'] = [h for h in agg['hosts'] if h not in seen]
            seen.update(agg['hosts'])
        aggregates.append({'name': 'az', 'hosts': hosts[::2],
                           'metadata': {'availability_zone': 'az1'}})
        return {'hosts': [{'host': h} for h in hosts],
                'aggregates': aggregates}

    def test_same_verdicts_on_random_clouds(self):
        rng = random.Random(20261124)
        ours = self.passing
        nova_filter = aies.AggregateInstanceExtraSpecsFilter()
        handler = filters.HostFilterHandler()
        compared = 0
        for _ in range(150):
            cloud = self.random_cloud(rng)
            hosts = base.replay.host_states(cloud)
            tiers = rng.choice(TIER_SETS)
            extra_specs = {
                'aerospike:storage': tiers,
                'aggregate_instance_extra_specs:ephemeral_backend':
                    equivalent_or(tiers)}
            spec = self.spec(extra_specs)
            theirs = sorted(h.host for h in handler.get_filtered_objects(
                [nova_filter], hosts, spec))
            self.assertEqual(theirs, ours(hosts, spec=spec),
                             (cloud, extra_specs))
            compared += len(hosts)
        self.assertGreater(compared, 500)

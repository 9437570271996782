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

"""One scheduling request end to end, with a real placement, traits or not.

Clouds of 1,000 and 5,000 compute nodes, 5 % of them lvm (the rest qcow2
and rbd), each with its resource provider in a real placement service
(nova's own functional-test fixtures: placement's WSGI application over
sqlite) and its compute node, service and aggregates in nova's database.
The lvm hosts carry their tier-set traits, as ``trait publish`` would set
them.

Each request runs nova's real ``SchedulerManager.select_destinations``
(request filters, the placement query capped at ``[scheduler]
max_placement_results``, HostManager, every filter and weigher) for:

* an untagged flavor;
* a tagged flavor (``aerospike:storage=local``) without its trait;
* the same flavor requiring its trait (``trait:...=required``).

It reports the candidates placement returned, how many of them are
suitable, how many suitable hosts the request never saw, and the times
(placement query and the whole request, best of ``--repeat``). Run
``python benchmarks/placement_preselection.py [--hosts 1000 5000]``. It
reports; it asserts nothing.
"""

import argparse
import os
import sys
import time

HOSTS = [1000, 5000]
LVM_SHARE = 0.05
CAP = 1000
NOVA_FILTERS = ['ComputeFilter', 'ComputeCapabilitiesFilter',
                'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
                'ServerGroupAffinityFilter', 'PciPassthroughFilter',
                'AerospikeStorageFilter']
REQUESTS = (
    ('untagged', {}),
    ('tagged, no trait', {'aerospike:storage': 'local'}),
    ('tagged, its trait', {'aerospike:storage': 'local',
                           'trait:CUSTOM_AEROSPIKE_STORAGE_LVM_RAW':
                               'required'}),
)


def build_case():
    from aerospike_filters.scheduler import nova_releases
    nova_releases.patch_eventlet()
    from nova import context
    from nova import exception
    from nova import objects
    from nova.scheduler import manager
    from nova import test
    from nova.tests.functional import fixtures as func_fixtures
    from oslo_utils import uuidutils

    from aerospike_filters import host_facts
    from aerospike_filters import trait_contract

    objects.register_all()
    import cloud_objects

    class PreSelection(test.TestCase):

        results = {}

        def setUp(self):
            super().setUp()
            self.placement_fixture = self.useFixture(
                func_fixtures.PlacementFixture())
            self.placement = self.placement_fixture.api
            self.flags(available_filters=[
                'nova.scheduler.filters.all_filters',
                'aerospike_filters.all_filters'],
                enabled_filters=NOVA_FILTERS,
                weight_classes=['nova.scheduler.weights.all_weighers',
                                'aerospike_filters.all_weighers'],
                group='filter_scheduler')
            self.flags(max_placement_results=CAP, group='scheduler')

        def make_cloud(self, count, publish=True):
            """The cloud; returns the names of its lvm hosts.

            The lvm hosts carry their traits unless ``publish`` is false;
            ``self.backends`` holds the backend aggregates by backend.
            """
            ctxt = context.get_admin_context()
            lvm_count = int(count * LVM_SHARE)
            backends = {}
            for name, backend in (('lvm', 'lvm'), ('qcow2', 'qcow2'),
                                  ('rbd', 'rbd')):
                agg = objects.Aggregate(
                    ctxt, name='aerospike-backend-' + name,
                    metadata={'ephemeral_backend': backend})
                agg.create()
                backends[name] = agg
            self.backends = backends
            lvm_traits = sorted(trait_contract.host_traits(
                host_facts.facts_from_aggregates(
                    [('lvm', {'ephemeral_backend': 'lvm'})],
                    'ephemeral_backend'), 0))
            for trait in lvm_traits:
                self.placement.put('/traits/%s' % trait, None, version='1.6')
            lvm_hosts = set()
            # Suitable hosts last: placement never sees them first.
            for i in range(count):
                host = 'compute-%05d' % i
                kind = ('lvm' if i >= count - lvm_count else
                        'qcow2' if i % 3 else 'rbd')
                uuid = uuidutils.generate_uuid()
                self.add_compute(ctxt, host, uuid)
                backends[kind].add_host(host)
                if kind == 'lvm':
                    lvm_hosts.add(host)
                if kind == 'lvm' and publish:
                    body = self.placement.get(
                        '/resource_providers/%s/traits' % uuid,
                        version='1.6').body
                    self.placement.put(
                        '/resource_providers/%s/traits' % uuid,
                        {'traits': body['traits'] + lvm_traits,
                         'resource_provider_generation':
                             body['resource_provider_generation']},
                        version='1.6')
            return ctxt, lvm_hosts

        def add_compute(self, ctxt, host, uuid):
            cloud_objects.add_compute(ctxt, host, uuid)
            objects.HostMapping(
                ctxt, host=host,
                cell_mapping=objects.CellMapping.get_by_uuid(
                    ctxt, self.cell_mappings['cell1'].uuid)).create()
            self.placement.post('/resource_providers',
                                {'uuid': uuid, 'name': host},
                                version='1.20')
            self.placement.put(
                '/resource_providers/%s/inventories' % uuid,
                {'resource_provider_generation': 0, 'inventories': {
                    'VCPU': {'total': 64, 'allocation_ratio': 4.0},
                    'MEMORY_MB': {'total': 262144},
                    'DISK_GB': {'total': 2048}}},
                version='1.20')
            body = self.placement.get('/resource_providers/%s/traits' % uuid,
                                      version='1.6').body
            self.placement.put(
                '/resource_providers/%s/traits' % uuid,
                {'traits': ['COMPUTE_NODE', 'OWNER_NOVA'],
                 'resource_provider_generation':
                     body['resource_provider_generation']},
                version='1.6')

        def measure(self, ctxt, scheduler, specs, lvm_hosts, repeat):
            seen = {}
            real = scheduler.placement_client.get_allocation_candidates

            def query(*args, **kwargs):
                start = time.perf_counter()
                res = real(*args, **kwargs)
                seen['placement'] = time.perf_counter() - start
                seen['candidates'] = set((res[1] or {}) if res else {})
                return res

            scheduler.placement_client.get_allocation_candidates = query
            best = None
            for _ in range(repeat):
                start = time.perf_counter()
                try:
                    chosen = scheduler.select_destinations(
                        ctxt, spec_obj=cloud_objects.request_spec(specs),
                        instance_uuids=None,
                        return_objects=True)[0][0].service_host
                except exception.NoValidHost:
                    chosen = 'NoValidHost'

                total = time.perf_counter() - start
                if best is None or total < best['total']:
                    best = dict(seen, total=total, chosen=chosen)
            by_uuid = {n.uuid: n.host for n in
                       objects.ComputeNodeList.get_all(ctxt)}
            hosts = {by_uuid[u] for u in best['candidates'] if u in by_uuid}
            best['suitable'] = len(hosts & lvm_hosts)
            best['missed'] = len(lvm_hosts - hosts)
            best['candidates'] = len(hosts)
            return best

        def test_requests(self):
            repeat = int(os.environ.get('PRESELECT_REPEAT', '3'))
            count = int(os.environ['PRESELECT_HOSTS'])
            ctxt, lvm_hosts = self.make_cloud(count)
            scheduler = manager.SchedulerManager()
            for name, specs in REQUESTS:
                self.results[(count, name)] = self.measure(
                    ctxt, scheduler, specs, lvm_hosts, repeat)
            self.results[(count, 'lvm hosts')] = len(lvm_hosts)

    return PreSelection


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--hosts', type=int, nargs='+', default=HOSTS)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args(argv)
    import unittest
    os.environ['PRESELECT_REPEAT'] = str(args.repeat)
    results = {}
    case = build_case()
    for count in args.hosts:
        os.environ['PRESELECT_HOSTS'] = str(count)
        outcome = unittest.TextTestRunner(stream=sys.stderr,
                                          verbosity=0).run(
            unittest.TestSuite([case('test_requests')]))
        if not outcome.wasSuccessful():
            return 1
        results.update(case.results)
    print('One scheduling request (select_destinations: placement query '
          'capped at %d, filters, weighers), best of %d' % (CAP,
                                                            args.repeat))
    print('%6s %-18s %10s %9s %7s %13s %10s  %s'
          % ('nodes', 'request', 'candidates', 'suitable', 'missed',
             'placement ms', 'total ms', 'chosen host'))
    for count in args.hosts:
        for name, _ in REQUESTS:
            row = results[(count, name)]
            suitable = '-' if name == 'untagged' else row['suitable']
            missed = '-' if name == 'untagged' else row['missed']
            print('%6d %-18s %10d %9s %7s %13.1f %10.1f  %s'
                  % (count, name, row['candidates'], suitable, missed,
                     row['placement'] * 1000, row['total'] * 1000,
                     row['chosen']))
    print('"suitable": lvm hosts among the candidates; "missed": lvm hosts '
          'placement never returned (%d%% of the nodes are lvm).'
          % (LVM_SHARE * 100))
    return 0


if __name__ == '__main__':
    sys.exit(main())

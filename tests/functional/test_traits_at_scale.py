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

"""Publishing traits costs requests in proportion to what changed.

Against the real in-process placement, every HTTP request the commands
send is counted at the requests boundary: a steady ``trait publish`` and
a ``sync --traits`` cost as many requests with 8 compute nodes as with 4.
Faults are real where placement can be made to produce them (a provider
deleted, a competing writer); only a 5xx and a body cut short are
answered at the HTTP boundary instead of placement. Each time: one line
naming the provider and the fault, exit status 1, the other providers
done, no trait lost that the facts do not remove, and a rerun converges.
"""

import json

from tests.functional import base
from tests.functional import fake_driver
from tests.functional import test_traits

LVM_TRAITS = test_traits.LVM_TRAITS
RAW_TRAITS = sorted('CUSTOM_AEROSPIKE_STORAGE_' + tiers for tiers in (
    'RAW', 'LVM_RAW', 'NVME_RAW', 'NVME_LVM_RAW'))
PLACEMENT = '/placement'
#: One thread per compute running sync --traits, as the issue asks.
COMPUTES = 50


class ScaleTestCase(test_traits.TraitsTestCase):

    def all_traits(self):
        """{host: sorted traits of its provider}."""
        return {host: sorted(self._get_provider_traits(self.provider(host)))
                for host in self.computes}

    def add_foreign_trait(self, host, trait='CUSTOM_RAID'):
        self.placement.put('/traits/%s' % trait, None, version='1.6')
        uuid = self.provider(host)
        self._set_provider_traits(
            uuid, self._get_provider_traits(uuid) + [trait])

    def publish_counted(self, *args, status=0, http=None):
        http = http or base.Http()
        code, out, err = self.run_cli('trait', 'publish', '-f', 'json',
                                      '--retries', '2', *args, http=http)
        self.assertEqual(status, code, (out + err, http.sent))
        return http, {row['Host']: row for row in json.loads(out)}, err

    def managed_defined(self):
        return len(self.placement.get(
            '/traits?name=startswith:CUSTOM_AEROSPIKE_',
            version='1.6').body['traits'])

    def assertCutShortRefused(self, service, path, body):
        """trait publish with ``service``'s answer to ``path`` cut short."""
        http = base.Http()
        http.faults.append(lambda request: http.response(200, body) if (
            request.url.endswith(path)) else None)
        status, out, err = self.run_cli('trait', 'publish', http=http)
        self.assertEqual(2, status, out + err)
        self.assertEqual("%s's answer to GET %s was cut short (not whole "
                         "JSON); run again" % (service, path),
                         err.strip().splitlines()[-1])

    def our_lines(self, err):
        """Our lines on stderr (the in-process cloud's may precede them)."""
        return [line for line in err.splitlines()
                if line.split(':')[0] in self.computes]


class TestRequestCounts(ScaleTestCase):

    def test_steady_publish_and_sync_do_not_grow_with_the_cloud(self):
        # nova lists 3 hypervisors a page: a read of nova's list would
        # cost more pages with 8 nodes than with 4.
        self.flags(max_limit=3, group='api')
        self.start_cloud({'lvm-1': 'lvm', 'qcow2-1': 'qcow2',
                          'raw-1': 'raw', 'bare-1': None})
        self.publish_counted()
        small, rows, _ = self.publish_counted()
        self.assertEqual({'unchanged'}, {r['Result'] for r in rows.values()})
        sync = ('sync', '--host', 'qcow2-1', '--backend', 'qcow2',
                '--traits')
        sync_small = base.Http()
        self.assertEqual(0, self.run_cli(*sync, http=sync_small)[0])

        self.start_cloud({'lvm-2': 'lvm', 'qcow2-2': 'qcow2',
                          'raw-2': 'raw', 'bare-2': None})
        self.publish_counted()
        large, rows, _ = self.publish_counted()
        self.assertEqual(8, len(rows))
        self.assertEqual({'unchanged'}, {r['Result'] for r in rows.values()})
        # The provider list, the managed traits, one query per managed
        # trait: the same with 4 and 8 compute nodes.
        self.assertEqual(2 + self.managed_defined(), large.count(PLACEMENT))
        self.assertEqual(small.sent, large.sent)
        self.assertLessEqual(len(large.sent), 12, large.sent)
        # Nodes named after their hosts: nova's hypervisors are not read,
        # nor the flavors; its version, services and aggregates are.
        self.assertEqual(['', '/os-services', '/os-aggregates'],
                         [url.split('/v2.1')[1] for _, url in large.sent
                          if PLACEMENT not in url])
        # sync --traits: aggregates, its own node, its provider's traits;
        # never a list of every provider or hypervisor.
        sync_large = base.Http()
        self.assertEqual(0, self.run_cli(*sync, http=sync_large)[0])
        self.assertEqual(len(sync_small.sent), len(sync_large.sent))
        self.assertLessEqual(len(sync_large.sent), 5, sync_large.sent)
        self.assertEqual(0, sync_large.count('/resource_providers?'))
        self.assertEqual(
            ['hypervisor_hostname_pattern=qcow2-1'],
            [url.split('?')[-1] for _, url in sync_large.sent
             if '/os-hypervisors' in url])

    def named_traits(self, node):
        """The managed traits of the provider named ``node``."""
        uuid = self.placement.get('/resource_providers?name=%s' % node).body[
            'resource_providers'][0]['uuid']
        return sorted(t for t in self._get_provider_traits(uuid)
                      if t.startswith('CUSTOM_AEROSPIKE_'))

    @staticmethod
    def hypervisor_queries(http):
        return [url.split('os-hypervisors/detail')[-1]
                for _, url in http.sent if '/os-hypervisors' in url]

    def test_a_node_named_with_its_fqdn_costs_one_search(self):
        fake_driver.NODE_NAMES['lvm-1'] = 'lvm-1.example.org'
        self.start_cloud({'lvm-1': 'lvm', 'qcow2-1': 'qcow2'})
        self.publish_counted()
        http, rows, _ = self.publish_counted()
        self.assertEqual('lvm-1.example.org', rows['lvm-1']['Node'])
        self.assertEqual(LVM_TRAITS, self.named_traits('lvm-1.example.org'))
        self.assertEqual({'unchanged'}, {r['Result'] for r in rows.values()})
        self.assertEqual(['?hypervisor_hostname_pattern=lvm-1'],
                         self.hypervisor_queries(http))

    def test_nodes_of_other_names_cost_nova_list(self):
        # Fewer requests than a search per host (one page of 1,000).
        fake_driver.NODE_NAMES.update({'lvm-1': 'lvm-1.example.org',
                                       'raw-1': 'node-7f3a'})
        self.start_cloud({'lvm-1': 'lvm', 'raw-1': 'raw', 'qcow2-1': 'qcow2'})
        http, rows, _ = self.publish_counted()
        self.assertEqual('node-7f3a', rows['raw-1']['Node'])
        self.assertEqual(RAW_TRAITS, self.named_traits('node-7f3a'))
        self.assertEqual(LVM_TRAITS, self.named_traits('lvm-1.example.org'))
        self.assertEqual([''], self.hypervisor_queries(http))

    def test_a_node_no_search_finds_costs_a_search_and_the_list(self):
        # ironic names nodes by UUID, not after the host.
        fake_driver.NODE_NAMES['bare-1'] = 'node-9c21'
        self.start_cloud({'bare-1': 'lvm', 'qcow2-1': 'qcow2'})
        http, rows, _ = self.publish_counted()
        self.assertEqual('node-9c21', rows['bare-1']['Node'])
        self.assertEqual(LVM_TRAITS, self.named_traits('node-9c21'))
        self.assertEqual(['?hypervisor_hostname_pattern=bare-1', ''],
                         self.hypervisor_queries(http))

    def test_nova_list_cut_short_changes_nothing(self):
        fake_driver.NODE_NAMES.update({'lvm-1': 'node-1', 'lvm-2': 'node-2'})
        self.start_cloud({'lvm-1': 'lvm', 'lvm-2': 'lvm'})
        self.assertCutShortRefused('nova', '/os-hypervisors/detail',
                                   b'{"hypervisors": [{"id": "')
        self.assertEqual([], self.named_traits('node-1'))
        self.publish_counted()
        self.assertEqual(LVM_TRAITS, self.named_traits('node-1'))

    def test_a_run_changing_one_provider_costs_a_read_and_a_write(self):
        self.start_cloud({'lvm-1': 'lvm', 'qcow2-1': 'qcow2',
                          'qcow2-2': 'qcow2'})
        self.publish_counted()
        steady, _, _ = self.publish_counted()
        self.admin_api.remove_host_from_aggregate(
            self.aggregate('aerospike-backend-qcow2'), 'qcow2-2')
        self.add_to_aggregate('aerospike-backend-lvm', 'qcow2-2')
        changed, rows, _ = self.publish_counted()
        self.assertEqual('changed', rows['qcow2-2']['Result'])
        self.assertEqual(LVM_TRAITS, self.managed_traits('qcow2-2'))
        uuid = self.provider('qcow2-2')
        self.assertEqual(
            [('GET', 'resource_providers/%s/traits' % uuid),
             ('GET', 'traits?name=startswith:CUSTOM_AEROSPIKE_'),
             ('PUT', 'resource_providers/%s/traits' % uuid)],
            [(method, url.split('/placement/')[1]) for method, url in
             changed.sent[len(changed.sent) - 3:]])
        self.assertEqual(steady.count(PLACEMENT) + 3,
                         changed.count(PLACEMENT))


class TestConcurrency(ScaleTestCase):

    # Fifty computes to start: twice nova's per-test timeout.
    TIMEOUT_SCALING_FACTOR = 2

    def test_many_syncs_and_a_publish_lose_nothing(self):
        """50 computes run sync --traits while cron runs trait publish.

        Every host stays in its backend aggregate except every fifth,
        which sync moves from qcow2 to lvm: the others' facts do not
        change, so every writer agrees on their traits and they must be
        exact when all are done; a moved host may have been written last
        by the publish that read the aggregates before the move, which
        the next publish repairs.
        """
        backends = ('lvm', 'qcow2', 'raw', 'rbd', 'qcow2')
        layout = {'c%02d' % i: backends[i % 5] for i in range(COMPUTES)}
        self.start_cloud(layout)
        for i, host in enumerate(sorted(layout)):
            self.add_foreign_trait(host, 'CUSTOM_OWN_%02d' % i)
        foreign = {host: [t for t in traits
                          if not t.startswith('CUSTOM_AEROSPIKE_')]
                   for host, traits in self.all_traits().items()}
        moved = {h for i, h in enumerate(sorted(layout)) if i % 5 == 4}
        commands = [('sync', '--host', host, '--traits', '--backend',
                     'lvm' if host in moved else layout[host])
                    for host in sorted(layout)]
        commands.insert(COMPUTES // 2, ('trait', 'publish'))
        self.run_concurrently(commands)
        wanted = {'lvm': LVM_TRAITS, 'qcow2': [],
                  'raw': RAW_TRAITS,
                  'rbd': []}
        after = self.all_traits()
        for host in set(layout) - moved:
            self.assertEqual(sorted(foreign[host] + wanted[layout[host]]),
                             after[host], host)
        _, rows, _ = self.publish_counted()
        after = self.all_traits()
        for host in layout:
            backend = 'lvm' if host in moved else layout[host]
            self.assertEqual(sorted(foreign[host] + wanted[backend]),
                             after[host], host)
        self.assertLessEqual({r['Result'] for r in rows.values()},
                             {'changed', 'unchanged'})


class TestFaults(ScaleTestCase):

    def setUp(self):
        super().setUp()
        self.start_cloud({'lvm-1': 'lvm', 'lvm-2': 'lvm', 'qcow2-1': 'qcow2'})
        for host in self.computes:
            self.add_foreign_trait(host)
        self.before = self.all_traits()

    def assertNothingLost(self):
        """Every trait but the managed ones is where it was."""
        now = self.all_traits()
        for host, traits in self.before.items():
            self.assertEqual(
                [t for t in traits if not t.startswith('CUSTOM_AEROSPIKE_')],
                [t for t in now[host] if not t.startswith(
                    'CUSTOM_AEROSPIKE_')], host)

    def assertRerunConverges(self):
        _, rows, _ = self.publish_counted()
        self.assertEqual(LVM_TRAITS, self.managed_traits('lvm-1'))
        self.assertEqual(LVM_TRAITS, self.managed_traits('lvm-2'))
        self.assertEqual({'unchanged'},
                         {r['Result'] for r in self.publish_counted()[1]
                          .values()})
        self.assertNothingLost()

    def fault_on(self, http, host, method, answer):
        """Answer ``method`` on host's provider traits with ``answer()``."""
        url = '/resource_providers/%s/traits' % self.provider(host)

        def fault(request):
            if request.method == method and request.url.endswith(url):
                return answer()
            return None
        http.faults.append(fault)

    @staticmethod
    def placement_error(status, detail):
        """An error as placement words them (the API SIG's format)."""
        return base.Http.response(status, json.dumps({'errors': [{
            'status': status, 'title': 'Error',
            'detail': detail}]}).encode())

    def test_a_provider_that_vanishes_before_its_write(self):
        http = base.Http()
        uuid = self.provider('lvm-2')

        def vanish():
            # The compute node's provider is deleted for real, then the
            # write goes on to placement.
            http.faults.clear()
            self.placement.delete('/resource_providers/%s' % uuid)
        self.fault_on(http, 'lvm-2', 'PUT', vanish)
        _, rows, err = self.publish_counted(status=1, http=http)
        self.assertEqual(['lvm-2: resource provider lvm-2 vanished (its '
                          'compute node was deleted?); run again'],
                         self.our_lines(err))
        self.assertEqual('changed', rows['lvm-1']['Result'])
        # nova-compute registers its provider again when it restarts.
        self.computes['lvm-2'] = self.restart_compute_service(
            self.computes['lvm-2'])
        self.before['lvm-2'] = [t for t in self.before['lvm-2']
                                if t != 'CUSTOM_RAID']
        self.assertRerunConverges()

    def test_a_generation_that_keeps_moving(self):
        http = base.Http()
        uuid = self.provider('lvm-2')
        written = []

        def compete():
            # Another writer changes the provider before each of our
            # writes: placement itself answers 409.
            trait = 'CUSTOM_OTHER_%d' % len(written)
            self.placement.put('/traits/%s' % trait, None, version='1.6')
            written.append(self._set_provider_traits(
                uuid, self._get_provider_traits(uuid) + [trait]))
        self.fault_on(http, 'lvm-2', 'PUT', compete)
        _, rows, err = self.publish_counted(status=1, http=http)
        self.assertEqual(5, len(written))
        self.assertEqual(['lvm-2: traits of resource provider lvm-2 kept '
                          'changing during 5 attempts; run again'],
                         self.our_lines(err))
        self.assertEqual('changed', rows['lvm-1']['Result'])
        self.before['lvm-2'] += ['CUSTOM_OTHER_%d' % i for i in range(5)]
        self.before['lvm-2'].sort()
        self.assertNothingLost()
        self.assertRerunConverges()

    def test_placement_failing_mid_run(self):
        http = base.Http()
        self.fault_on(http, 'lvm-2', 'GET',
                      lambda: self.placement_error(503, 'database gone'))
        _, rows, err = self.publish_counted(status=1, http=http)
        self.assertEqual(['lvm-2: placement refused the traits of lvm-2 '
                          '(HTTP 503): database gone; run again'],
                         self.our_lines(err))
        self.assertEqual('changed', rows['lvm-1']['Result'])
        # --retries 2: asked twice.
        self.assertEqual(2, http.count(
            '/resource_providers/%s/traits' % self.provider('lvm-2')))
        self.assertNothingLost()
        self.assertRerunConverges()

    def test_a_page_cut_short(self):
        http = base.Http()
        self.fault_on(http, 'lvm-2', 'GET', lambda: http.response(
            200, b'{"traits": ["COMPUTE_NODE", "CUSTOM_R'))
        _, rows, err = self.publish_counted(status=1, http=http)
        self.assertEqual(['lvm-2: placement sent the traits of lvm-2 cut '
                          'short; run again'], self.our_lines(err))
        self.assertEqual('changed', rows['lvm-1']['Result'])
        self.assertNothingLost()
        self.assertRerunConverges()

    def test_a_list_cut_short_changes_nothing(self):
        self.assertCutShortRefused('placement', '/resource_providers',
                                   b'{"resource_providers": [{"uuid": "')
        self.assertEqual(self.before, self.all_traits())
        self.assertRerunConverges()

    def test_sync_names_its_provider_and_the_fault(self):
        http = base.Http()
        self.fault_on(http, 'qcow2-1', 'PUT',
                      lambda: self.placement_error(500, 'boom'))
        status, out, err = self.run_cli(
            'sync', '--host', 'qcow2-1', '--backend', 'raw', '--traits',
            '--retries', '1', http=http)
        self.assertEqual(2, status, out + err)
        self.assertEqual('placement refused the traits of qcow2-1 (HTTP '
                         '500): boom; run again', err.strip().splitlines()[-1])
        self.assertNothingLost()
        status, out, err = self.run_cli('sync', '--host', 'qcow2-1',
                                        '--backend', 'raw', '--traits')
        self.assertEqual(0, status, out + err)
        self.assertEqual(RAW_TRAITS, self.managed_traits('qcow2-1'))
        self.assertNothingLost()


class TestPciReads(ScaleTestCase):
    """A snapshot reads each device provider once, never per compute."""

    def setUp(self):
        self.flags(report_in_placement=True, group='pci')
        self.flags(pci_in_placement=True, group='filter_scheduler')
        super().setUp()
        self.start_cloud({'nvme-bare': (None, 2), 'nvme-lvm': ('lvm', 1),
                          'lvm-1': 'lvm'})

    def test_free_and_total_devices_in_bounded_requests(self):
        flavor = self.flavor('nvme', nvme=1)
        used = self.host_of(self.boot(flavor))
        http = base.Http()
        status, out, err = self.run_cli('snapshot', http=http)
        self.assertEqual(0, status, err)
        hosts = {h['host']: h for h in json.loads(out)['hosts']}
        totals = {host: sum(p['count'] for p in h.get('pci_devices', []))
                  for host, h in hosts.items()}
        free = {host: sum(p['count'] for p in h.get('pci_pools', []))
                for host, h in hosts.items()}
        self.assertEqual({'nvme-bare': 2, 'nvme-lvm': 1, 'lvm-1': 0}, totals)
        self.assertEqual(totals[used] - 1, free[used])
        self.assertEqual(sum(totals.values()) - 1, sum(free.values()))
        # Three device providers: their inventories, one query for the
        # free ones of their class, no usages.
        self.assertEqual(3, http.count('/inventories'))
        self.assertEqual(1, http.count('?resources=CUSTOM_PCI_'))
        self.assertEqual(0, http.count('/usages'))

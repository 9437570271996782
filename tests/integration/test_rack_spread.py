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

"""Rack spread in the real cloud: a server group's tagged nodes over zones.

The suite puts the fake computes in three availability zones for this
class only (``openstack aggregate create --zone``): compute-lvm in one,
compute-raw in another, compute-qcow2 and compute-rbd (which no tagged
flavor suits) in a third, and takes them out again afterwards; no other
test sees a zone. The libvirt compute stays parked (disabled) and in no
zone. Servers boot through the ``openstack`` client as the tenant guide
shows: a server group, ``--hint group=<id>``, ``--min N --max N``.

Without the rack weigher the storage weigher puts every tagged node of
this cloud on compute-lvm (test_scheduling's lvm-before-raw): an even
spread over the zones is the rack spread's doing.
"""

import collections
import configparser
import os

from tests.integration import base

HINT = 'aerospike_rack_spread'
#: zone suffix -> the computes the class puts in it.
ZONES = (('a', (base.HOST['lvm'],)), ('b', (base.HOST['raw'],)),
         ('c', (base.HOST['qcow2'], base.HOST['rbd'])))


def scheduler_filters():
    """The scheduler's enabled_filters, as its nova.conf files set them."""
    found = []
    for path in base.SCHEDULER_CONF:
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read(path)
        except configparser.Error:
            continue
        if parser.has_option('filter_scheduler', 'enabled_filters'):
            found = [name.strip() for name in parser.get(
                'filter_scheduler', 'enabled_filters').split(',')]
    return found


class TestRackSpread(base.RealCloudTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prefix = 'it-rack-%s' % os.urandom(4).hex()
        cls.zone_of = {}
        cls.aggregates = []
        try:
            cls._make_zones()
        except Exception:
            cls._remove_zones()
            raise

    @classmethod
    def tearDownClass(cls):
        cls._remove_zones()
        super().tearDownClass()

    @classmethod
    def _make_zones(cls):
        # A host already in a zone (a cut-short run): say so, change
        # nothing.
        for aggregate in cls.conn.compute.aggregates():
            if (aggregate.metadata or {}).get('availability_zone'):
                raise AssertionError(
                    'aggregate %s already sets availability_zone on %s: '
                    'remove it (openstack aggregate delete) and run again'
                    % (aggregate.name, aggregate.hosts))
        for suffix, hosts in ZONES:
            name = '%s-%s' % (cls.prefix, suffix)
            created = base.run(
                [os.path.join(base.BIN, 'openstack'), 'aggregate', 'create',
                 '--zone', name, name, '-f', 'value', '-c', 'id'],
                check=True)
            cls.aggregates.append(created.stdout.strip())
            for host in hosts:
                cls.conn.compute.add_host_to_aggregate(cls.aggregates[-1],
                                                       host)
                cls.zone_of[host] = name

    @classmethod
    def _remove_zones(cls):
        # Membership as it was: every compute in no zone.
        for aggregate_id in cls.aggregates:
            aggregate = cls.conn.compute.get_aggregate(aggregate_id)
            for host in aggregate.hosts or []:
                cls.conn.compute.remove_host_from_aggregate(aggregate_id,
                                                            host)
            cls.conn.compute.delete_aggregate(aggregate_id,
                                              ignore_missing=True)
        cls.aggregates = []

    def setUp(self):
        super().setUp()
        self.flavor = self.make_flavor({'aerospike:storage': 'local'})

    def group(self, policy='soft-anti-affinity'):
        created = self.openstack('server', 'group', 'create', '--policy',
                                 policy, self.unique(self.prefix), '-f',
                                 'value', '-c', 'id')
        group_id = created.stdout.strip()
        self.addCleanup(self.conn.compute.delete_server_group, group_id,
                        ignore_missing=True)
        return group_id

    def boot(self, group_id, count=1, mode=None):
        """Boot ``count`` nodes into the group; their outcomes, in order."""
        name = self.unique(self.prefix)
        argv = ['server', 'create', '--flavor', self.flavor.name,
                '--image', base.IMAGE, '--nic', 'none', '--hint',
                'group=%s' % group_id]
        if mode:
            argv += ['--hint', '%s=%s' % (HINT, mode)]
        if count > 1:
            argv += ['--min', str(count), '--max', str(count)]
        # Whatever the create did, every server of that name goes at
        # cleanup (and before the zones do: a host with servers cannot
        # leave its zone).
        self.addCleanup(self.delete_named, name)
        self.openstack(*(argv + [name, '-f', 'value', '-c', 'id']))
        servers = sorted(self.conn.compute.servers(name='^%s' % name),
                         key=lambda server: server.name)
        self.assertEqual(count, len(servers), servers)
        return [(server.id,) + self.outcome(server.id) for server in servers]

    def delete_named(self, name):
        for server in list(self.conn.compute.servers(name='^%s' % name)):
            self.delete_server(server.id)

    def zones(self, booted):
        """zone -> nodes, from each ACTIVE server's host and own zone."""
        counts = collections.Counter()
        for server_id, status, host in booted:
            self.assertEqual('ACTIVE', status, host)
            shown = self.conn.compute.get_server(server_id)
            # What the guest's metadata says: nova's zone of the server.
            self.assertEqual(self.zone_of[host], shown.availability_zone)
            counts[shown.availability_zone] += 1
        return counts

    def test_multi_create_spreads_evenly_over_the_zones(self):
        group_id = self.group()
        counts = self.zones(self.boot(group_id, count=4))
        # The zone of qcow2 and rbd has no suitable host: left out.
        self.assertEqual({self.zone_of[base.HOST['lvm']]: 2,
                          self.zone_of[base.HOST['raw']]: 2}, dict(counts))

    def test_strict_refuses_rather_than_unbalance(self):
        if 'AerospikeRackFilter' not in scheduler_filters():
            self.skipTest('the scheduler does not enable AerospikeRackFilter')
        group_id = self.group()
        counts = self.zones(self.boot(group_id, count=3, mode='strict'))
        self.assertEqual([1, 2], sorted(counts.values()), counts)
        fuller = counts.most_common()[0][0]
        # The zone with one node loses its only suitable host: a fourth
        # node would make it 3 to 1.
        emptier = next(h for h, z in self.zone_of.items()
                       if z not in (fuller, self.zone_of[base.HOST['qcow2']]))
        self.disable_compute(emptier)
        log = base.ServiceLog('nova-scheduler')
        [(_, status, detail)] = self.boot(group_id, mode='strict')
        self.assertEqual('ERROR', status)
        self.assertIn('No valid host was found', detail)
        refused = log.matching('AerospikeRackFilter: group ')
        self.assertEqual(1, len(refused), refused)
        self.assertIn('0 of 1 hosts keep it balanced', refused[0])
        # The tenant opts out: the same request lands, in the fuller zone.
        [(_, status, host)] = self.boot(group_id, mode='off')
        self.assertEqual(('ACTIVE', fuller), (status, self.zone_of[host]))

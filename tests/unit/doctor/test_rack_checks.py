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

"""The rack checks: unbalanced server groups, domains with no host."""

import shlex

from aerospike_filters.doctor import rack_checks
from aerospike_filters import rack_spread
from tests.unit import base
from tests.unit import doctor

LVM = {'aerospike:storage': 'lvm'}
GROUP = 'aerospike-cluster'


def cloud(members, policy='soft-anti-affinity', specs=LVM):
    """az1: h1 h2, az2: h3 (lvm); az3: h4 (qcow2); a group's members."""
    return {
        'hosts': [{'host': h} for h in ('h1', 'h2', 'h3', 'h4')],
        'aggregates': [
            {'name': 'lvm', 'hosts': ['h1', 'h2', 'h3'],
             'metadata': {'ephemeral_backend': 'lvm'}},
            {'name': 'qcow2', 'hosts': ['h4'],
             'metadata': {'ephemeral_backend': 'qcow2'}},
            {'name': 'z1', 'hosts': ['h1', 'h2'],
             'metadata': {'availability_zone': 'az1'}},
            {'name': 'z2', 'hosts': ['h3'],
             'metadata': {'availability_zone': 'az2'}},
            {'name': 'z3', 'hosts': ['h4'],
             'metadata': {'availability_zone': 'az3'}}],
        'flavors': [{'name': 'aerospike.lvm', 'extra_specs': LVM}],
        'server_groups': [{'id': 'g-1', 'name': GROUP, 'policy': policy,
                           'members': [
                               {'id': 'm-%d' % i, 'host': host,
                                'flavor': 'aerospike.lvm',
                                'extra_specs': specs}
                               for i, host in enumerate(members)]}]}


class TestRackChecks(base.NovaTestCase):

    def run_check(self, check, data):
        return check(doctor.make_context(self, None, data, ''))

    def test_unbalanced_group_gets_one_move(self):
        found = self.run_check(rack_checks.unbalanced_groups,
                               cloud(['h1', 'h2']))
        self.assertEqual(1, len(found), found)
        self.assertEqual("server group '%s'" % GROUP, found[0].subject)
        self.assertIn('az1=2 az2=0', found[0].problem)
        # az3 has no suitable host: it does not count.
        self.assertNotIn('az3', found[0].problem)
        self.assertEqual(
            'openstack --os-compute-api-version 2.56 server migrate --host '
            'h3 --wait m-0 && openstack server resize confirm m-0',
            found[0].fix)

    def test_balanced_or_not_spread_is_quiet(self):
        for data in (cloud(['h1', 'h3']), cloud(['h1']),
                     cloud(['h1', 'h2'], policy='affinity'),
                     cloud(['h1', 'h2'], specs={}), cloud([])):
            self.assertEqual(
                [], self.run_check(rack_checks.unbalanced_groups, data))

    def test_anti_affinity_never_moves_to_a_host_with_a_node(self):
        data = cloud(['h1', 'h2', 'h1'], policy='anti-affinity')
        data['server_groups'][0]['members'].append(
            {'id': 'm-9', 'host': 'h3', 'extra_specs': LVM})
        # az1=3 az2=1: h3 holds a node, anti-affinity keeps it at one.
        found = self.run_check(rack_checks.unbalanced_groups, data)
        self.assertEqual(1, len(found))
        self.assertIn('no suitable host', found[0].problem)

    def test_move_command_quotes_names(self):
        command = rack_checks.move_command('m 1', 'h;x')
        first, second = command.split(' && ')
        self.assertEqual(['openstack', '--os-compute-api-version', '2.56',
                          'server', 'migrate', '--host', 'h;x', '--wait',
                          'm 1'], shlex.split(first))
        self.assertEqual(['openstack', 'server', 'resize', 'confirm', 'm 1'],
                         shlex.split(second))

    def test_choose_move_takes_from_the_fullest(self):
        domains = {'a': rack_spread.Domain('r1', None),
                   'b': rack_spread.Domain('r1', None),
                   'c': rack_spread.Domain('r2', None)}
        group = {'policy': 'soft-anti-affinity', 'members': [
            {'id': 'x', 'host': 'a'}, {'id': 'y', 'host': 'b'},
            {'id': 'z', 'host': 'b'}]}
        self.assertEqual(('y', 'b', 'c'),
                         rack_checks.choose_move(group, domains,
                                                 ['a', 'b', 'c']))
        self.assertIsNone(rack_checks.choose_move(group, domains, ['a']))

    def test_domain_without_suitable_host(self):
        found = self.run_check(rack_checks.empty_domains, cloud([]))
        self.assertEqual(["failure domain 'az3'"],
                         [f.subject for f in found])
        self.assertIn('h4', found[0].problem)
        self.assertIn('az1, az2', found[0].problem)

    def test_no_tagged_flavor_or_one_domain_is_quiet(self):
        data = cloud([])
        data['flavors'] = []
        self.assertEqual([], self.run_check(rack_checks.empty_domains, data))
        data = cloud([])
        data['aggregates'] = data['aggregates'][:2]
        self.assertEqual([], self.run_check(rack_checks.empty_domains, data))

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

"""explain --server-group and doctor's rack checks, on nova's real cloud."""

import json

from tests.functional import test_rack_spread


class TestRackTools(test_rack_spread.RackCloud):

    def forced(self, flavor, host, group):
        """A server of the group booted on ``host`` (admin's zone:host)."""
        body = self._build_server(flavor_id=flavor, networks='none',
                                  az='nova:%s' % host)
        server = self.api.post_server({
            'server': body, 'os:scheduler_hints': {'group': group['id']}})
        return self._wait_for_state_change(server, 'ACTIVE')

    def explain(self, *args, connection=True):
        status, out, err = self.run_cli('explain', '--flavor', 'aerospike.lvm',
                                        '-f', 'json', *args,
                                        connection=connection)
        self.assertEqual(0, status, err)
        return {row['Host']: row for row in json.loads(out)}, err

    @staticmethod
    def unsourced(rows):
        return {host: dict(row, Source=None) for host, row in rows.items()}

    def test_explain_shows_domains_and_the_rack_weight(self):
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        self.start_racks({'r1': ['h1', 'h2'], 'r2': ['h3']}, key='rack')
        flavor = self.flavor('aerospike.lvm', 'lvm')
        group = self.group()
        server = self.forced(flavor, 'h1', group)
        rows, err = self.explain('--server-group', 'aerospike-cluster')
        self.assertEqual({'h1': 'r1', 'h2': 'r1', 'h3': 'r2'},
                         {h: r['Domain'] for h, r in rows.items()})
        self.assertIn('Server group aerospike-cluster (%s): policy '
                      'soft-anti-affinity, rack spread preferred; 1 node(s), '
                      'per domain (rack): r1=1 r2=0' % group['id'], err)
        # The rack weigher's contribution: r2's host first, by far.
        self.assertEqual(1, rows['h3']['Rank'])
        self.assertGreater(rows['h3']['Weight'] - rows['h2']['Weight'], 50)
        rows, err = self.explain('--server-group', group['id'],
                                 '--rack-spread', 'strict')
        self.assertIn('rack spread strict', err)
        self.assertEqual({'h1': 'REJECT', 'h2': 'REJECT', 'h3': 'PASS'},
                         {h: r['Verdict'] for h, r in rows.items()})
        self.assertIn('AerospikeRackFilter', rows['h2']['Reason'])
        # snapshot writes the group; explain reads it back offline.
        status, out, err = self.run_cli('snapshot')
        self.assertEqual(0, status, err)
        snapshot = json.loads(out)
        self.assertEqual([{'id': group['id'], 'name': 'aerospike-cluster',
                           'policy': 'soft-anti-affinity',
                           'members': [{'id': server['id'], 'host': 'h1',
                                        'flavor': 'aerospike.lvm',
                                        'extra_specs': {
                                            'aerospike:storage': 'lvm'}}]}],
                         snapshot['server_groups'])
        path = self.nova_conf(out)
        offline, _ = self.explain('--snapshot', path, '--server-group',
                                  'aerospike-cluster', '--rack-spread',
                                  'strict', connection=False)
        self.assertEqual(self.unsourced(rows), self.unsourced(offline))
        # Without a group: no Domain column, the rack weigher not run.
        rows, _ = self.explain()
        self.assertNotIn('Domain', rows['h1'])
        # A group nobody has: one line, exit 2.
        status, out, err = self.run_cli('explain', '--server-group', 'nope')
        self.assertEqual(2, status)
        self.assertIn('--server-group nope: no server group', err)
        self.assertNotIn('Traceback', err)

    def test_doctor_moves_a_node_and_the_group_is_balanced(self):
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        self.start_racks({'r1': ['h1', 'h2'], 'r2': ['h3']}, key='rack')
        flavor = self.flavor('aerospike.lvm', 'lvm')
        group = self.group()
        servers = [self.forced(flavor, host, group) for host in ('h1', 'h2')]
        found = self.group_findings()
        self.assertEqual(1, len(found), found)
        self.assertIn('r1=2 r2=0', found[0]['Finding'])
        fix = found[0]['Fix']
        self.assertIn('--host h3', fix)
        # The shell gives the words as printed; they run against the cloud.
        self.run_in_bash(fix)
        self.assertEqual({'r1': 1, 'r2': 1}, dict(self.counts(servers)))
        self.assertEqual([], self.group_findings())

    def group_findings(self):
        status, out, err = self.run_cli('doctor', '-f', 'json')
        self.assertIn(status, (0, 1), err)
        return [f for f in json.loads(out)
                if f['Object'] == "server group 'aerospike-cluster'"]

    def test_doctor_names_a_rack_with_no_suitable_host(self):
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        self.start_racks({'r1': ['h1']}, key='rack')
        self.start_cloud({'h2': 'qcow2'})
        self.add_to_aggregate('domain-r2', 'h2', {'rack': 'r2'})
        self.flavor('aerospike.lvm', 'lvm')
        status, out, err = self.run_cli('doctor', '-f', 'json')
        found = [f for f in json.loads(out)
                 if f['Object'] == "failure domain 'r2'"]
        self.assertEqual(1, len(found), out)
        self.assertIn('h2', found[0]['Finding'])

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

"""Hostile names reach the admin's shell as one word each.

Host names come from a compute's own ``[DEFAULT] host``; flavor and
aggregate names from anyone with the admin role. Each command the tools
print for an admin runs through bash (:meth:`run_in_bash`) and then, word
for word as bash passed it, against this cloud: nothing is split,
expanded or run on its own, and the fix does what it says.
"""

import json
import os

from aerospike_filters.sync import aggregate_plan
from tests.functional import base

#: What a shell must never split, expand or run.
HOSTILE = """x; touch PWNED $(touch PWNED2) `touch PWNED3` 'q" \\ end"""
#: A compute's host name may hold a newline too (nova's services table
#: does not check it).
HOSTILE_HOST = 'c1;touch PWNED\n$(touch PWNED2) "q\''


class TestHostileNames(base.CloudTestCase):

    def setUp(self):
        super().setUp()
        self.start_cloud({'lvm-1': 'lvm', 'qcow2-1': 'qcow2'})

    def test_sync_quotes_hosts_and_aggregates(self):
        # An aggregate sync does not manage disagrees on lvm-1's backend.
        self.add_to_aggregate('rack ' + HOSTILE, 'lvm-1',
                              {'ephemeral_backend': 'qcow2'})
        status, out, err = self.run_cli('sync', '--host', 'lvm-1',
                                        '--backend', 'lvm', '--dry-run',
                                        '-f', 'json')
        self.assertEqual(0, status, err)
        conflicts = json.loads(out)['conflicts']
        self.assertEqual(1, len(conflicts), out)
        calls = self.run_in_bash(conflicts[0])
        self.assertEqual([['openstack', 'aggregate', 'unset', '--property',
                           'ephemeral_backend', 'rack ' + HOSTILE]], calls)
        agg = self.admin_api.api_get(
            '/os-aggregates/%s' % self.aggregate('rack ' + HOSTILE)).body
        self.assertNotIn('ephemeral_backend',
                         agg['aggregate']['metadata'])
        # A host nova does not know (such a name cannot be registered
        # through nova's API) is refused in one line, nothing planned.
        status, out, err = self.run_cli('sync', '--host', HOSTILE_HOST,
                                        '--backend', 'lvm', '--dry-run',
                                        '-f', 'json')
        self.assertEqual((2, ''), (status, out), err)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertFalse(os.path.exists('PWNED'))
        # A host named by its own nova.conf (nova's services table does
        # not check it): sync's plan gives it as one word, as given.
        steps = aggregate_plan.plan(HOSTILE_HOST, 'lvm', [])
        join = [s.command for s in steps if ' add host ' in s.command]
        self.assertEqual(1, len(join), steps)
        calls = self.record_only(join[0])
        self.assertEqual([['openstack', 'aggregate', 'add', 'host',
                           'aerospike-backend-lvm', HOSTILE_HOST]], calls)

    def record_only(self, command_line):
        """What bash passes the commands, without running them here.

        nova's API refuses such a host name (its schema allows
        ``[a-zA-Z0-9-._]``): only the words matter.
        """
        calls = []
        self.useFixture(base.fixtures.MonkeyPatch(
            'tests.functional.base.CloudTestCase._run_openstack',
            lambda test, argv: calls.append(argv)))
        recorded = self.run_in_bash(command_line)
        self.assertEqual([argv[1:] for argv in recorded], calls)
        return recorded

    def doctor_findings(self, conf, obj):
        """doctor's findings (JSON) about one object."""
        status, out, err = self.run_cli('doctor', '--config-file', conf,
                                        '-f', 'json')
        return [f for f in json.loads(out) if f['Object'] == obj]

    def test_doctor_quotes_aggregates(self):
        name = 'odd ' + HOSTILE
        self.add_to_aggregate(name, 'qcow2-1', {'ephemeral_backend': 'zfs'})
        conf = self.nova_conf()
        found = self.doctor_findings(conf, "aggregate '%s'" % name)
        self.assertEqual(1, len(found), found)
        calls = self.run_in_bash(found[0]['Fix'])
        self.assertEqual([['openstack', 'aggregate', 'unset', '--property',
                           'ephemeral_backend', name]], calls)
        self.assertEqual([], self.doctor_findings(conf,
                                                  "aggregate '%s'" % name))

    def test_doctor_trait_publish_and_flavor_repair_quote_flavors(self):
        name = 'aero ' + HOSTILE
        flavor_id = self.flavor(name, 'lvm')
        conf = self.nova_conf(base.SCHEDULER_CONF +
                              '[scheduler]\nmax_placement_results = 1\n')
        found = self.doctor_findings(conf, "flavor '%s'" % name)
        self.assertEqual(1, len(found), found)
        # trait publish, then flavor repair of that very flavor.
        calls = self.run_in_bash(found[0]['Fix'])
        self.assertEqual(['aerospike-filters', 'trait', 'publish'],
                         calls[0][:3])
        self.assertEqual(['aerospike-filters', 'flavor', 'repair', name],
                         calls[1][:4])
        status, out, err = self.run_cli('flavor', 'repair', '-f', 'json',
                                        name)
        self.assertEqual(0, status, err)
        self.assertEqual('unchanged', json.loads(out)[0]['Result'])
        self.assertEqual('lvm-1', self.host_of(self.boot(flavor_id)))

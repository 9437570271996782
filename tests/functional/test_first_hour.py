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

"""The smaller dead ends of a new admin's first hour (issue 27)."""

import json

import requests

from tests.functional import base


class TestFirstHour(base.CloudTestCase):

    def setUp(self):
        super().setUp()
        self.start_cloud({'lvm-1': 'lvm', 'raw-1': 'raw'})

    def test_sync_refuses_a_host_nova_has_never_heard_of(self):
        status, out, err = self.run_cli('sync', '--host', 'nosuchhost',
                                        '--backend', 'lvm', '--dry-run')
        self.assertEqual(2, status, out + err)
        self.assertEqual(
            ['--host nosuchhost: nova has no nova-compute service on such '
             'a host; name it as openstack compute service list --service '
             'nova-compute shows it'], err.splitlines())
        self.assertEqual(0, self.run_cli('sync', '--host', 'lvm-1',
                                         '--backend', 'lvm',
                                         '--dry-run')[0])

    def test_snapshot_waits_for_a_restarting_placement(self):
        http = base.Http()
        refused = []

        def restarting(request):
            if 'placement' in request.url and len(refused) < 3:
                refused.append(request.url)
                raise requests.exceptions.ConnectionError(
                    'Connection refused')

        http.faults.append(restarting)
        status, out, err = self.run_cli('snapshot', http=http)
        self.assertEqual(0, status, err)
        self.assertEqual(3, len(refused))
        self.assertEqual(2, len(json.loads(out)['hosts']))
        self.assertEqual('', err)

    def test_a_small_cloud_is_not_said_to_be_cut_at_1000(self):
        self.flavor('aerospike.lvm', 'lvm')
        status, out, err = self.run_cli('doctor', '--config-file',
                                        self.nova_conf(), '-f', 'json')
        found = [f['Finding'] for f in json.loads(out)
                 if f['Object'] == "flavor 'aerospike.lvm'"]
        self.assertEqual(1, len(found), out)
        self.assertIn('placement picks its candidates without regard to '
                      'storage: all 2 compute nodes today, any 1000 of them '
                      '([scheduler] max_placement_results) once the cloud '
                      'has more', found[0])
        self.assertNotIn('any 1000 of the 2', found[0])

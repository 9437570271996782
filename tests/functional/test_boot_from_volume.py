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

"""Boot from a Cinder volume (nova's CinderFixture): a tagged guest needs a
local disk for its data, an ephemeral disk or NVMe devices."""

import json

from nova.tests import fixtures as nova_fixtures

from tests.functional import base

VOLUME = nova_fixtures.CinderFixture.IMAGE_BACKED_VOL
LINE = 'flavor %s gets no host: the request boots from a volume'


class TestBootFromVolume(base.CloudTestCase):

    def setUp(self):
        super().setUp()
        self.start_cloud({'lvm-1': 'lvm', 'qcow2-1': 'qcow2'})

    def make_flavor(self, name, storage=None, ephemeral=0, nvme=None):
        specs = {}
        if storage:
            specs['aerospike:storage'] = storage
        if nvme:
            specs['pci_passthrough:alias'] = 'nvme:%d' % nvme
        return self._create_flavor(name=name, memory_mb=512, vcpu=1,
                                   disk=0, ephemeral=ephemeral,
                                   extra_spec=specs or None)

    def boot_from_volume(self, flavor_id, expected='ACTIVE'):
        body = self._build_server(flavor_id=flavor_id, networks='none')
        body['imageRef'] = ''
        body['block_device_mapping_v2'] = [{
            'boot_index': 0, 'uuid': VOLUME, 'source_type': 'volume',
            'destination_type': 'volume'}]
        created = self.api.post_server({'server': body})
        return self._wait_for_state_change(created, expected)

    def test_tagged_without_ephemeral_gets_no_host_and_one_line(self):
        flavor = self.make_flavor('aerospike.bfv', 'local')
        server = self.boot_from_volume(flavor, 'ERROR')
        self.assertNoValidHost(server)
        log = self.stdlog.logger.output
        self.assertEqual(1, log.count(LINE % 'aerospike.bfv'), log)
        self.assertIn('--ephemeral <GiB>', log)

    def test_tagged_with_ephemeral_lands_on_a_suitable_host(self):
        flavor = self.make_flavor('aerospike.bfv-eph', 'local', ephemeral=1)
        server = self.boot_from_volume(flavor)
        self.assertEqual('lvm-1', self.host_of(server))
        self.assertNotIn('boots from a volume', self.stdlog.logger.output)

    def test_untagged_lands_anywhere(self):
        # With the lvm host disabled, only the qcow2 one is left.
        self.set_service('lvm-1', enabled=False)
        flavor = self.make_flavor('plain.bfv')
        self.assertEqual('qcow2-1',
                         self.host_of(self.boot_from_volume(flavor)))
        self.assertNotIn('boots from a volume', self.stdlog.logger.output)

    def test_an_image_boot_of_the_same_flavor_schedules_as_today(self):
        flavor = self.make_flavor('aerospike.zero', 'local', ephemeral=0)
        # disk=0 flavors boot from images only for admins (nova's
        # zero_disk_flavor policy); the admin API is used here.
        server = self.boot(flavor)
        self.assertEqual('lvm-1', self.host_of(server))

    def test_doctor_names_a_volume_only_flavor_and_its_fix_works(self):
        conf = self.nova_conf()
        self.assertEqual(0, self.run_cli('trait', 'publish',
                                         '--config-file', conf)[0])
        self.make_flavor('aerospike.volume-only', 'local')
        status, out, err = self.run_cli('doctor', '--config-file', conf,
                                        '-f', 'json')
        self.assertEqual(1, status, err)
        found = [f for f in json.loads(out)
                 if f['Object'] == "flavor 'aerospike.volume-only'" and
                 'from a volume' in f['Finding']]
        self.assertEqual(['warning'], [f['Severity'] for f in found], out)
        # The fix works as printed.
        self.run_printed(found[0]['Fix'])
        flavor = self.admin_api.get_flavors()
        new = [f for f in flavor if f['name'] ==
               'aerospike.volume-only.ephemeral']
        self.assertEqual(1, len(new))
        server = self.boot_from_volume(new[0]['id'])
        self.assertEqual('lvm-1', self.host_of(server))
        status, out, err = self.run_cli('doctor', '--config-file', conf,
                                        '-f', 'json')
        self.assertNotIn("flavor 'aerospike.volume-only.ephemeral'", out)
        self.assertEqual(1, out.count('from a volume'), out)

    def test_flavor_create_warns_as_doctor_and_its_fix_works(self):
        conf = self.nova_conf()
        self.assertEqual(0, self.run_cli('trait', 'publish',
                                         '--config-file', conf)[0])
        create = ('flavor', 'create', '--storage', 'local', '--vcpus', '1',
                  '--ram', '512', '--config-file', conf, '-f', 'json')
        status, out, err = self.run_cli(*create, 'aerospike.no-disk')
        self.assertEqual(0, status, err)
        warning = err.strip().splitlines()[-1]
        self.assertTrue(warning.startswith(
            "warning: flavor 'aerospike.no-disk' has no root disk, no "
            "ephemeral disk and no NVMe device"), err)
        self.run_printed(warning.split('boot with it: ', 1)[1])
        new = [f for f in self.admin_api.get_flavors()
               if f['name'] == 'aerospike.no-disk.ephemeral']
        self.assertEqual(1, len(new))
        self.assertEqual('lvm-1', self.host_of(
            self.boot_from_volume(new[0]['id'])))
        # A flavor with a local disk: no warning.
        status, out, err = self.run_cli(*create, '--ephemeral', '1',
                                        'aerospike.with-disk')
        self.assertEqual(0, status, err)
        self.assertNotIn('warning', err)

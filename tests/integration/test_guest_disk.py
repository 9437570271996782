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

"""The disk an Aerospike guest really gets, on the real libvirt compute.

tools/realcloud runs one nova-compute with nova's LibvirtDriver (KVM, flat
files on this machine's local filesystem, ``force_raw_images = True``),
described by its facts like every compute (its probe writes them into its
provider config before it starts; trait sync-facts follows them). Each
tagged server that lands there has its disk read from libvirt's domain XML
and from the file itself: driver type raw, a local file under the
compute's instances path, no backing file. A configuration the probe calls
unsuitable is shown to give a guest a disk Aerospike must not have, and to
be refused by the filter once its facts are published: the suite fails as
soon as the probe's verdict and the real disk disagree.
"""

import configparser
import json
import os
import subprocess
import uuid
import xml.etree.ElementTree as ElementTree

import fixtures

from tests.integration import base

LIBVIRT_CONF = os.path.join(base.NOVA_ETC, 'compute-libvirt.conf')
AEROSPIKE_CONF = os.path.join(base.NOVA_ETC, 'nova.conf.d', 'aerospike.conf')
LIBVIRT_SKIP = os.path.join(base.RC_DIR, 'state', 'libvirt-skip')
SERVICE = 'nova-compute-libvirt'
# Small guests: they idle in SeaBIOS.
RAM = 256


def virsh(*args):
    return subprocess.run(['virsh', '-c', 'qemu:///system'] + list(args),
                          capture_output=True, text=True, check=True,
                          timeout=60).stdout


class GuestDisk(object):
    """What libvirt and the file say of a server's root disk."""

    def __init__(self, instance_name):
        domain = ElementTree.fromstring(virsh('dumpxml', instance_name))
        disk = domain.find("./devices/disk[@device='disk']")
        self.type = disk.get('type')
        self.driver = disk.find('driver').get('type')
        source = disk.find('source')
        self.path = source.get('file') if source is not None else None
        info = json.loads(subprocess.run(
            ['qemu-img', 'info', '--output=json', '--force-share',
             self.path], capture_output=True, text=True, check=True,
            timeout=60).stdout) if self.path else {}
        self.format = info.get('format')
        self.backing = info.get('backing-filename')


class LibvirtTestCase(base.RealCloudTestCase):
    """Skips, saying why, where setup could not run the libvirt compute."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if os.path.exists(LIBVIRT_SKIP):
            with open(LIBVIRT_SKIP) as stream:
                raise cls.skipException(
                    'no libvirt compute: %s' % stream.read().strip())
        conf = configparser.ConfigParser(strict=False, interpolation=None)
        conf.read(LIBVIRT_CONF)
        cls.host = conf.get('DEFAULT', 'host')
        cls.instances = conf.get('DEFAULT', 'instances_path')

    def setUp(self):
        super().setUp()
        # Setup leaves the compute disabled, so that no other test lands
        # there; it takes servers only while these tests run.
        self.realcloud('libvirt-compute', 'enable')
        self.addCleanup(self.realcloud, 'libvirt-compute', 'disable')

    def boot_on_libvirt(self, flavor, image=base.IMAGE):
        """(status, server) of a boot with the libvirt host requested.

        At 2.74 a requested host goes through the scheduler's filters.
        """
        image = self.conn.image.find_image(image, ignore_missing=False)
        server = self.conn.compute.create_server(
            name=self.unique('it-disk'), flavor_id=flavor.id,
            image_id=image.id, networks='none', host=self.host,
            microversion='2.74')
        self.addCleanup(self.delete_server, server.id)
        status, _ = self.outcome(server.id)
        return status, self.conn.compute.get_server(server.id)

    def qcow2_image(self):
        """A fresh qcow2 image (nova's image cache is keyed by image id)."""
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'disk.qcow2')
        subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', path,
                        '64M'], check=True)
        name = 'it-qcow2-%s' % uuid.uuid4().hex[:8]
        image = self.conn.create_image(name, filename=path,
                                       disk_format='qcow2',
                                       container_format='bare', wait=True)
        self.addCleanup(self.conn.image.delete_image, image.id,
                        ignore_missing=True)
        return name

    def assert_raw_local(self, server):
        disk = GuestDisk(server.instance_name)
        self.assertEqual('file', disk.type)
        self.assertEqual('raw', disk.driver)
        self.assertEqual('raw', disk.format)
        self.assertIsNone(disk.backing)
        self.assertTrue(disk.path.startswith(self.instances + os.sep),
                        disk.path)
        return disk

    def probe_backend(self):
        """What the probe says of the libvirt compute (its JSON report)."""
        return json.loads(self.aerospike('probe', '--nova-conf',
                                         LIBVIRT_CONF).stdout)


class TestGuestDisk(LibvirtTestCase):

    def test_probe_says_raw_and_the_guest_disk_is_raw(self):
        probe = self.probe_backend()
        self.assertEqual('raw', probe['ephemeral_backend'], probe)
        self.assertEqual({'raw'}, self.backend_aggregates().get(self.host))
        flavor = self.make_flavor({'aerospike:storage': 'raw'}, ram=RAM)
        status, server = self.boot_on_libvirt(flavor)
        self.assertEqual('ACTIVE', status)
        self.assertEqual(self.host, server.compute_host)
        self.assert_raw_local(server)

    def test_a_qcow2_image_still_gives_a_raw_disk(self):
        flavor = self.make_flavor({'aerospike:storage': 'raw'}, ram=RAM)
        status, server = self.boot_on_libvirt(flavor, self.qcow2_image())
        self.assertEqual('ACTIVE', status)
        self.assert_raw_local(server)


class TestUnsuitableRealConfiguration(LibvirtTestCase):
    """``force_raw_images = False``: the guest's disk follows the image.

    The deployment the admin guide recommends: no credential on the
    compute. The libvirt compute is restarted the documented way (the
    probe writes its facts into its provider config, then nova-compute
    starts and publishes them); the controller's ``trait sync-facts``
    follows them. The old fact stays on the provider (nova-compute never
    removes one): doctor reports the conflict, and its fix (sync-facts)
    fails the host closed, out of every backend aggregate, until the
    restart it asks for publishes the current fact. Then the filter
    refuses a tagged server there, and an untagged server booted from a
    fresh qcow2 image shows why: its disk is a qcow2 file. Restoring the
    option restores tagged boots.
    """

    def set_force_raw(self, value):
        with open(LIBVIRT_CONF) as stream:
            text = stream.read()
        old = 'force_raw_images = %s' % (not value)
        self.assertIn(old, text)
        with open(LIBVIRT_CONF, 'w') as stream:
            stream.write(text.replace(old, 'force_raw_images = %s' % value))
        self.restart(SERVICE)
        # The fact of the old nova.conf is still on the provider: doctor
        # says so, and its fix (sync-facts, verbatim) fails the host
        # closed and asks for a restart.
        result = base.run(['bash', '-c', self.doctor_fix()])
        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        self.assertIn('%s: conflicting facts' % self.host, result.stderr)
        self.assertIn('restart its nova-compute', result.stderr)
        self.assertIsNone(self.backend_aggregates().get(self.host))
        # The restart it asks for publishes the current fact only.
        self.restart(SERVICE)
        self.sync_facts()

    def sync_facts(self):
        """The controller's sync-facts for the libvirt compute."""
        return self.aerospike('trait', 'sync-facts', '--os-cloud',
                              'realcloud', '--host', self.host,
                              '--config-file', AEROSPIKE_CONF)

    def doctor_fix(self):
        """doctor's one finding on the libvirt compute's facts: its fix."""
        result = self.aerospike('doctor', '--os-cloud', 'realcloud',
                                *self.conf_args(), '-f', 'json', check=False)
        found = [f for f in json.loads(result.stdout)
                 if f['Object'] == "host '%s'" % self.host and
                 'conflicting facts' in f['Finding']]
        self.assertEqual(1, len(found), result.stdout + result.stderr)
        self.assertEqual('error', found[0]['Severity'])
        return found[0]['Fix']

    def restore(self):
        self.set_force_raw(True)
        self.assertEqual({'raw'}, self.backend_aggregates().get(self.host))
        flavor = self.make_flavor({'aerospike:storage': 'raw'}, ram=RAM)
        status, server = self.boot_on_libvirt(flavor)
        self.assertEqual('ACTIVE', status)

    def test_force_raw_images_false_is_refused_and_gives_qcow2(self):
        self.set_force_raw(False)
        self.addCleanup(self.restore)
        probe = self.probe_backend()
        self.assertNotEqual('raw', probe['ephemeral_backend'], probe)
        self.assertIn('force_raw_images', ' '.join(probe['reasons']))
        self.assertEqual({probe['ephemeral_backend']},
                         self.backend_aggregates().get(self.host))

        tagged = self.make_flavor({'aerospike:storage': 'raw'}, ram=RAM)
        status, server = self.boot_on_libvirt(tagged)
        self.assertEqual('ERROR', status)

        untagged = self.make_flavor({}, ram=RAM)
        status, server = self.boot_on_libvirt(untagged, self.qcow2_image())
        self.assertEqual('ACTIVE', status)
        disk = GuestDisk(server.instance_name)
        self.assertEqual('qcow2', disk.driver)
        self.assertEqual('qcow2', disk.format)


class TestBootFromVolume(base.RealCloudTestCase):
    """A tagged boot from a volume with no local disk gets no host.

    The real cloud has no Cinder: the test says so and skips;
    tests/functional covers the rule with nova's CinderFixture.
    """

    def test_tagged_boot_from_volume_without_local_disk_is_refused(self):
        if not self.conn.has_service('block-storage'):
            self.skipTest('no Cinder in this cloud: tests/functional covers '
                          'the boot-from-volume rule with nova\'s '
                          'CinderFixture')
        image = self.conn.image.find_image(base.IMAGE, ignore_missing=False)
        volume = self.conn.block_storage.create_volume(size=1,
                                                       image_id=image.id)
        self.addCleanup(self.conn.block_storage.delete_volume, volume,
                        ignore_missing=True)
        self.conn.block_storage.wait_for_status(volume, 'available')
        flavor = self.make_flavor({'aerospike:storage': 'local'}, disk=0)
        server = self.conn.compute.create_server(
            name=self.unique('it-bfv'), flavor_id=flavor.id,
            networks='none', block_device_mapping=[{
                'boot_index': 0, 'uuid': volume.id, 'source_type': 'volume',
                'destination_type': 'volume',
                'delete_on_termination': False}])
        self.addCleanup(self.delete_server, server.id)
        status, why = self.outcome(server.id)
        self.assertEqual('ERROR', status)
        self.assertIn('No valid host', why)

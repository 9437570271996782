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
soon as the probe's verdict and the real disk disagree. The same holds for
network storage, on the cloud's single-node Ceph (tools/realcloud/lib/ceph):
the compute reconfigured with ``images_type = rbd`` gives its guests RBD
images, and a server booted from a cinder volume has its root disk on RBD
and its ephemeral disk a local raw file.
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
CEPH_CONF = os.path.join(base.RC_DIR, 'etc', 'ceph', 'ceph.conf')
SERVICE = 'nova-compute-libvirt'
# Small guests: they idle in SeaBIOS.
RAM = 256


def virsh(*args):
    return subprocess.run(['virsh', '-c', 'qemu:///system'] + list(args),
                          capture_output=True, text=True, check=True,
                          timeout=60).stdout


def rbd_images(pool):
    """The RBD images of a pool of the cloud's Ceph (bounded)."""
    return subprocess.run(
        ['rbd', '--conf', CEPH_CONF, '--pool', pool, 'ls'],
        capture_output=True, text=True, check=True,
        timeout=60).stdout.split()


class GuestDisk(object):
    """What libvirt and the file say of one disk of a server.

    ``target`` is the guest's device: vda the first disk (the root disk),
    vdb the next (an ephemeral disk). A network disk has a ``protocol``
    and a ``name`` (pool/image for rbd); a file has a ``path``, whose
    format and backing file qemu-img reads.
    """

    def __init__(self, instance_name, target='vda'):
        domain = ElementTree.fromstring(virsh('dumpxml', instance_name))
        disks = {d.find('target').get('dev'): d for d in
                 domain.findall("./devices/disk[@device='disk']")}
        disk = disks[target]
        self.type = disk.get('type')
        self.driver = disk.find('driver').get('type')
        source = disk.find('source')
        source = source if source is not None else ElementTree.Element('x')
        self.path = source.get('file')
        self.protocol = source.get('protocol')
        self.name = source.get('name')
        info = json.loads(subprocess.run(
            ['qemu-img', 'info', '--output=json', '--force-share',
             self.path], capture_output=True, text=True, check=True,
            timeout=60).stdout) if self.path else {}
        self.format = info.get('format')
        self.backing = info.get('backing-filename')


class LibvirtTestCase(base.RealCloudTestCase):
    """Skips, saying why, where setup could not run the libvirt compute."""

    #: The parts of the cloud the class needs besides the libvirt compute.
    needs = ('libvirt',)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for part in cls.needs:
            base.skip_without(cls, part)
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

    def boot_on_libvirt(self, flavor, image=base.IMAGE, volume=None):
        """(status, server) of a boot with the libvirt host requested.

        From an image, or from a volume (its root disk) when one is given.
        At 2.74 a requested host goes through the scheduler's filters.
        """
        if volume is None:
            source = {'image_id': self.conn.image.find_image(
                image, ignore_missing=False).id}
        else:
            source = {'block_device_mapping': [base.root_volume(volume)]}
        server = self.conn.compute.create_server(
            name=self.unique('it-disk'), flavor_id=flavor.id,
            networks='none', host=self.host, microversion='2.74', **source)
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

    # --- the compute reconfigured the documented way -----------------------

    def reconfigure(self, old, new):
        """Replace text of the compute's nova.conf and apply it.

        The deployment the admin guide recommends: no credential on the
        compute. The compute is restarted (its probe writes its facts into
        its provider config, then nova-compute starts and publishes them);
        the old fact stays on the provider (nova-compute never removes
        one): doctor reports the conflict, and its fix (sync-facts, run
        verbatim) fails the host closed, out of every backend aggregate,
        and asks for the restart that publishes the current fact only.
        The controller's sync-facts then follows it.
        """
        with open(LIBVIRT_CONF) as stream:
            text = stream.read()
        self.assertIn(old, text)
        with open(LIBVIRT_CONF, 'w') as stream:
            stream.write(text.replace(old, new))
        self.restart(SERVICE)
        result = base.run(['bash', '-c', self.doctor_fix()])
        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        self.assertIn('%s: conflicting facts' % self.host, result.stderr)
        self.assertIn('restart its nova-compute', result.stderr)
        self.assertIsNone(self.backend_aggregates().get(self.host))
        self.restart(SERVICE)
        self.sync_facts()

    def restore(self, old, new):
        """Undo :meth:`reconfigure`: raw again, and tagged boots land."""
        self.reconfigure(new, old)
        self.assertEqual({'raw'}, self.backend_aggregates().get(self.host))
        flavor = self.make_flavor({'aerospike:storage': 'raw'}, ram=RAM)
        status, server = self.boot_on_libvirt(flavor)
        self.assertEqual('ACTIVE', status)

    def sync_facts(self):
        """The controller's sync-facts for the libvirt compute."""
        return self.aerospike('trait', 'sync-facts', '--os-cloud',
                              'realcloud', '--host', self.host,
                              '--config-file', AEROSPIKE_CONF)

    def doctor_fix(self):
        """doctor's one finding on the libvirt compute's facts: its fix."""
        found = self.doctor_findings("host '%s'" % self.host,
                                     'conflicting facts')
        self.assertEqual(1, len(found), found)
        self.assertEqual('error', found[0]['Severity'])
        return found[0]['Fix']

    def assert_unsuitable_and_refused(self, backend, reason):
        """The probe, the aggregates and the filter agree: not suitable."""
        probe = self.probe_backend()
        self.assertEqual(backend, probe['ephemeral_backend'], probe)
        self.assertIn(reason, ' '.join(probe['reasons']))
        self.assertEqual({backend}, self.backend_aggregates().get(self.host))
        tagged = self.make_flavor({'aerospike:storage': 'raw'}, ram=RAM)
        log = base.ServiceLog('nova-scheduler')
        status, server = self.boot_on_libvirt(tagged)
        self.assertEqual('ERROR', status)
        summary = log.matching('AerospikeStorageFilter: flavor %s '
                               'rejected 1 of 1 hosts' % tagged.name)
        self.assertEqual(1, len(summary), log.matching(tagged.name))


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

    Once the compute is reconfigured the documented way
    (:meth:`LibvirtTestCase.reconfigure`), the filter refuses a tagged
    server there, and an untagged server booted from a fresh qcow2 image
    shows why: its disk is a qcow2 file. Restoring the option restores
    tagged boots.
    """

    RAW = 'force_raw_images = True'
    NOT_RAW = 'force_raw_images = False'

    def test_force_raw_images_false_is_refused_and_gives_qcow2(self):
        self.reconfigure(self.RAW, self.NOT_RAW)
        self.addCleanup(self.restore, self.RAW, self.NOT_RAW)
        self.assert_unsuitable_and_refused('flat_keeps_format',
                                           'force_raw_images')

        untagged = self.make_flavor({}, ram=RAM)
        status, server = self.boot_on_libvirt(untagged, self.qcow2_image())
        self.assertEqual('ACTIVE', status)
        disk = GuestDisk(server.instance_name)
        self.assertEqual('qcow2', disk.driver)
        self.assertEqual('qcow2', disk.format)


class TestRbdBackend(LibvirtTestCase):
    """``images_type = rbd`` on the cloud's Ceph: network storage, for real.

    The same compute reconfigured the documented way: the probe says rbd
    from its real nova.conf, the facts reach the scheduler through the
    provider config and sync-facts, a tagged server is refused there, and
    an untagged server's disk, read from libvirt's domain XML, is an RBD
    image of pool vms (which Ceph lists).
    """

    needs = ('libvirt', 'ceph')
    FLAT = 'images_type = flat'

    def rbd(self):
        return ('images_type = rbd\nimages_rbd_pool = vms\n'
                'images_rbd_ceph_conf = %s' % CEPH_CONF)

    def test_images_type_rbd_is_refused_and_gives_an_rbd_disk(self):
        self.reconfigure(self.FLAT, self.rbd())
        self.addCleanup(self.restore, self.FLAT, self.rbd())
        self.assert_unsuitable_and_refused('rbd', 'images_type = rbd')

        untagged = self.make_flavor({}, ram=RAM)
        status, server = self.boot_on_libvirt(untagged)
        self.assertEqual('ACTIVE', status, server.fault)
        disk = GuestDisk(server.instance_name)
        self.assertEqual(('network', 'rbd', 'raw'),
                         (disk.type, disk.protocol, disk.driver))
        self.assertEqual('vms/%s_disk' % server.id, disk.name)
        self.assertIn('%s_disk' % server.id, rbd_images('vms'))


class TestBootFromVolume(base.RealCloudTestCase):
    """A tagged boot from a cinder volume with no local disk gets no host.

    The volume is a real one, on the cloud's Ceph; the filter refuses the
    request before looking at any host, with one WARNING line naming the
    flavor and the fix.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base.skip_without(cls, 'cinder')

    def test_tagged_boot_from_volume_without_local_disk_is_refused(self):
        volume = self.volume_from_image()
        flavor = self.make_flavor({'aerospike:storage': 'local'}, disk=0)
        log = base.ServiceLog('nova-scheduler')
        server = self.conn.compute.create_server(
            name=self.unique('it-bfv'), flavor_id=flavor.id,
            networks='none', block_device_mapping=[base.root_volume(volume)])
        self.addCleanup(self.delete_server, server.id)
        status, why = self.outcome(server.id)
        self.assertEqual('ERROR', status)
        self.assertIn('No valid host', why)
        refused = log.matching('AerospikeStorageFilter: flavor %s gets no '
                               'host: the request boots from a volume' %
                               flavor.name)
        self.assertEqual(1, len(refused), log.matching(flavor.name))
        self.assertIn(' WARNING ', refused[0])


class TestBootFromVolumeOnLibvirt(LibvirtTestCase):
    """doctor's boot-from-volume finding, its fix applied and booted.

    A tagged flavor with no root and no ephemeral disk: doctor says its
    guests can have no local disk and proposes a flavor with an ephemeral
    disk. That fix, run verbatim, makes a flavor whose boot from a cinder
    volume lands on the libvirt compute: libvirt shows the root disk on
    RBD (the volume) and the ephemeral disk a local raw file.
    """

    needs = ('libvirt', 'cinder')

    def test_doctor_fix_boots_root_on_rbd_and_ephemeral_local_raw(self):
        flavor = self.make_flavor({'aerospike:storage': 'raw'}, ram=RAM,
                                  disk=0)
        found = self.doctor_findings("flavor '%s'" % flavor.name,
                                     'no ephemeral disk')
        self.assertEqual(1, len(found), found)
        fixed = flavor.name + '.ephemeral'
        self.addCleanup(self.openstack, 'flavor', 'delete', fixed,
                        check=False)
        base.run(['bash', '-c', found[0]['Fix']], check=True)
        fixed = self.conn.compute.find_flavor(fixed, ignore_missing=False)
        self.assertEqual((0, 10), (fixed.disk, fixed.ephemeral))

        volume = self.volume_from_image()
        status, server = self.boot_on_libvirt(fixed, volume=volume)
        self.assertEqual('ACTIVE', status, server.fault)
        root = GuestDisk(server.instance_name, 'vda')
        self.assertEqual(('network', 'rbd'), (root.type, root.protocol))
        self.assertEqual('volumes/volume-%s' % volume.id, root.name)
        ephemeral = GuestDisk(server.instance_name, 'vdb')
        self.assertEqual(('file', 'raw', 'raw'),
                         (ephemeral.type, ephemeral.driver, ephemeral.format))
        self.assertIsNone(ephemeral.backing)
        self.assertTrue(ephemeral.path.startswith(self.instances + os.sep),
                        ephemeral.path)

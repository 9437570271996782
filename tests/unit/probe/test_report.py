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

"""The probe over fake root trees of every backend and edge case."""

import json
import os
import subprocess
import sys

import fixtures
from oslotest import base

from aerospike_filters.probe import report
from aerospike_filters.probe import rootfs
from tests.unit.probe import fakehost

SPEC = '[pci]\ndevice_spec = {"vendor_id": "144d", "product_id": "a80a"}\n'


def passthrough(result):
    return [d['passthrough'] for d in result['nvme_devices']]


class ProbeTestCase(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.host = self.useFixture(fakehost.FakeHost())
        self.host.mkdir('/var/lib/nova/instances')

    def probe(self, conf, nocow=lambda path: False, **kwargs):
        self.host.nova_conf('[DEFAULT]\nhost = compute-1\n' + conf)
        return report.probe(root=self.host.root, nocow=nocow, **kwargs)

    def backend(self, conf, **kwargs):
        return self.probe(conf, **kwargs)['ephemeral_backend']


class TestBackends(ProbeTestCase):

    def test_lvm(self):
        result = self.probe('[libvirt]\nimages_type = lvm\n'
                            'images_volume_group = nova-vg\n')
        self.assertEqual('lvm', result['ephemeral_backend'])
        self.assertIn('nova-vg', ' '.join(result['reasons']))
        self.assertEqual('compute-1', result['host'])

    def test_raw_on_ext4_and_flat(self):
        self.assertEqual('raw', self.backend('[libvirt]\nimages_type = raw\n'))
        self.assertEqual('raw', self.backend(
            '[libvirt]\nimages_type = flat\n'))

    def test_raw_on_xfs_mount(self):
        self.host.mount('/var/lib/nova', 'xfs', '/dev/sdb1')
        self.assertEqual('raw', self.backend('[libvirt]\nimages_type = raw\n'))

    def test_raw_on_nfs4_is_network(self):
        self.host.mount('/var/lib/nova/instances', 'nfs4', 'nas:/nova')
        result = self.probe('[libvirt]\nimages_type = raw\n')
        self.assertEqual('nfs', result['ephemeral_backend'])
        self.assertIn('nas:/nova', ' '.join(result['reasons']))

    def test_other_network_filesystems(self):
        for fstype, expected in (('cifs', 'cifs'), ('glusterfs', 'glusterfs'),
                                 ('ceph', 'cephfs'), ('fuse.sshfs', 'nfs'),
                                 ('lustre', 'nfs')):
            self.host.mount('/var/lib/nova/instances', fstype)
            self.assertEqual(expected, self.backend(
                '[libvirt]\nimages_type = raw\n'), fstype)

    def test_qcow2_by_default(self):
        result = self.probe('')
        self.assertEqual('qcow2', result['ephemeral_backend'])
        self.assertIn('use_cow_images is true', result['reasons'][0])

    def test_default_without_cow_images_is_raw(self):
        self.assertEqual('raw', self.backend(
            '[DEFAULT]\nuse_cow_images = false\n'))

    def test_qcow2_on_nfs_is_network(self):
        self.host.mount('/var/lib/nova/instances', 'nfs')
        self.assertEqual('nfs', self.backend(
            '[libvirt]\nimages_type = qcow2\n'))

    def test_rbd_and_ploop(self):
        self.assertEqual('rbd', self.backend(
            '[libvirt]\nimages_type = rbd\nimages_rbd_pool = vms\n'))
        self.assertEqual('ploop', self.backend(
            '[libvirt]\nimages_type = ploop\n'))

    def test_btrfs_with_and_without_nocow(self):
        self.host.mount('/var/lib/nova', 'btrfs', '/dev/sdc')
        asked = []

        def nocow(path):
            asked.append(path)
            return True

        self.assertEqual('raw', self.backend(
            '[libvirt]\nimages_type = raw\n', nocow=nocow))
        self.assertEqual([self.host.path('/var/lib/nova/instances')], asked)
        self.assertEqual('raw_cow', self.backend(
            '[libvirt]\nimages_type = raw\n'))

    def test_real_nocow_reader_on_a_non_btrfs_directory(self):
        self.assertFalse(report.has_nocow(self.host.root))
        self.assertFalse(report.has_nocow('/nonexistent/dir'))


class TestPaths(ProbeTestCase):

    def test_nested_mounts_longest_prefix(self):
        self.host.mount('/var', 'ext4', '/dev/sdb')
        self.host.mount('/var/lib/nova/instances', 'nfs4')
        self.host.mount('/var/lib/nova/instances-old', 'xfs')
        self.assertEqual('nfs', self.backend(
            '[libvirt]\nimages_type = raw\n'))

    def test_mount_point_with_a_space(self):
        self.host.mount('/srv/nova store', 'nfs')
        self.host.mkdir('/srv/nova store/instances')
        self.assertEqual('nfs', self.backend(
            '[DEFAULT]\ninstances_path = /srv/nova store/instances\n'
            '[libvirt]\nimages_type = raw\n'))

    def test_symlinked_instances_path(self):
        self.host.mount('/data', 'nfs4')
        self.host.mkdir('/data/instances')
        os.rmdir(self.host.path('/var/lib/nova/instances'))
        self.host.symlink('/data/instances', '/var/lib/nova/instances')
        self.assertEqual('nfs', self.backend(
            '[libvirt]\nimages_type = raw\n'))

    def test_state_path_substitution(self):
        self.host.mount('/srv/nova', 'nfs')
        self.host.mkdir('/srv/nova/instances')
        self.assertEqual('nfs', self.backend(
            '[DEFAULT]\nstate_path = /srv/nova\n[libvirt]\nimages_type = '
            'raw\n'))

    def test_links_never_leave_the_root(self):
        outside = self.useFixture(fakehost.fixtures.TempDir()).path
        with open(os.path.join(outside, 'secret'), 'w') as stream:
            stream.write('[libvirt]\nimages_type = lvm\n')
        # Absolute and ../ links both resolve inside the root.
        self.host.symlink(os.path.join(outside, 'secret'),
                          '/etc/nova/evil.conf')
        self.host.symlink('../../../../../../../../' + outside.lstrip('/') +
                          '/secret', '/etc/nova/evil2.conf')
        for name in ('/etc/nova/evil.conf', '/etc/nova/evil2.conf'):
            resolved = rootfs.resolve(self.host.root, name)
            self.assertEqual('/' + outside.lstrip('/') + '/secret', resolved)
            # ... which, under the root, does not exist: nothing is read.
            exc = self.assertRaises(report.ProbeError, report.probe,
                                    root=self.host.root, nova_conf=name)
            self.assertIn('cannot read', str(exc))

    def test_link_loop_is_an_error(self):
        self.host.symlink('/etc/nova/b.conf', '/etc/nova/a.conf')
        self.host.symlink('/etc/nova/a.conf', '/etc/nova/b.conf')
        exc = self.assertRaises(report.ProbeError, report.probe,
                                root=self.host.root,
                                nova_conf='/etc/nova/a.conf')
        self.assertIn('symbolic links', str(exc))


class TestNovaConfD(ProbeTestCase):

    def test_later_files_override(self):
        self.host.write('/etc/nova/nova.conf.d/10-storage.conf',
                        '[libvirt]\nimages_type = raw\n')
        self.host.write('/etc/nova/nova.conf.d/20-lvm.conf',
                        '[libvirt]\nimages_type = lvm\n'
                        'images_volume_group = vg\n')
        self.host.write('/etc/nova/nova.conf.d/README', 'not read\n[x')
        self.assertEqual('lvm', self.backend('[libvirt]\nimages_type = rbd\n'))

    def test_device_specs_from_several_files_add_up(self):
        self.host.nvme('0000:81:00.0')
        self.host.nvme('0000:82:00.0', product='a808')
        self.host.write('/etc/nova/nova.conf.d/pci.conf',
                        '[pci]\ndevice_spec = {"address": "0000:82:00.0"}\n')
        result = self.probe(SPEC)
        self.assertEqual(['0000:81:00.0', '0000:82:00.0'],
                         [d['address'] for d in result['nvme_devices']
                          if d['passthrough']])


class TestNvme(ProbeTestCase):

    def test_nvme_driver_vs_vfio(self):
        self.host.nvme('0000:81:00.0', driver='vfio-pci')
        self.host.nvme('0000:82:00.0', driver='nvme')
        self.host.nvme('0000:83:00.0', vendor='8086', product='0a54')
        self.host.nvme('0000:00:1f.2', pci_class='0x010601')  # SATA
        result = self.probe(SPEC)
        self.assertEqual([
            {'address': '0000:81:00.0', 'vendor_product': '144d:a80a',
             'driver': 'vfio-pci', 'vfio': True, 'passthrough': True},
            {'address': '0000:82:00.0', 'vendor_product': '144d:a80a',
             'driver': 'nvme', 'vfio': False, 'passthrough': True},
            {'address': '0000:83:00.0', 'vendor_product': '8086:0a54',
             'driver': 'nvme', 'vfio': False, 'passthrough': False}],
            result['nvme_devices'])
        text = ' '.join(result['reasons'])
        self.assertIn('0000:83:00.0 (8086:0a54, driver nvme) is not in '
                      '[pci] device_spec', text)
        self.assertIn('not yet bound to vfio-pci', text)
        self.assertNotIn('0000:00:1f.2', text)

    def test_address_patterns(self):
        self.host.nvme('0000:81:00.0')
        for spec in ('{"address": "0000:81:00.*"}', '{"address": "81:00.0"}',
                     '{"address": {"bus": "81", "slot": "00"}}',
                     '[{"vendor_id": "144d", "product_id": "a80a"}]',
                     '{"vendor_id": "0x144d"}'):
            result = self.probe('[pci]\ndevice_spec = %s\n' % spec)
            self.assertEqual([True], passthrough(result), spec)
        result = self.probe('[pci]\ndevice_spec = {"address": "0000:82:*"}\n')
        self.assertEqual([False], passthrough(result))

    def test_old_passthrough_whitelist(self):
        self.host.nvme('0000:81:00.0')
        result = self.probe('[pci]\npassthrough_whitelist = '
                            '{"vendor_id": "144d"}\n')
        self.assertEqual([True], passthrough(result))

    def test_no_sysfs_means_no_devices(self):
        self.assertEqual([], self.probe(SPEC)['nvme_devices'])


class TestBadInput(ProbeTestCase):

    def assertProbeError(self, *fragments, **kwargs):
        exc = self.assertRaises(report.ProbeError, report.probe,
                                root=self.host.root, **kwargs)
        for fragment in fragments:
            self.assertIn(fragment, str(exc))

    def test_missing_nova_conf(self):
        self.assertProbeError('/etc/nova/nova.conf', 'cannot read')

    def test_nova_conf_is_a_directory(self):
        self.host.mkdir('/etc/nova/nova.conf')
        self.assertProbeError('/etc/nova/nova.conf', 'directory')

    def test_unreadable_nova_conf(self):
        path = self.host.nova_conf('[DEFAULT]\n')
        os.chmod(path, 0)
        self.addCleanup(os.chmod, path, 0o644)
        if os.access(path, os.R_OK):
            self.skipTest('running as root: mode 000 does not stop reads')
        self.assertProbeError('nova.conf', 'cannot read')

    def test_not_an_ini_file(self):
        self.host.nova_conf('images_type = raw\n[libvirt\n')
        self.assertProbeError('/etc/nova/nova.conf: line 2: Section must '
                              'be started before assignment; correct that '
                              'line')

    def test_a_line_that_does_not_parse_is_never_repeated(self):
        self.host.nova_conf('[placement]\npassword PlacementS3cret\n')
        exc = self.assertRaises(report.ProbeError, report.probe,
                                root=self.host.root)
        self.assertEqual("/etc/nova/nova.conf: line 2: No ':' or '=' found "
                         "in assignment; correct that line", str(exc))

    def assertMisconfigured(self, conf, *fragments):
        """Never raw by default: unsuitable, one line with the fix."""
        self.host.nova_conf(conf)
        result = report.probe(root=self.host.root)
        self.assertEqual('misconfigured', result['ephemeral_backend'])
        self.assertEqual(1, len(result['reasons']), result['reasons'])
        for fragment in fragments:
            self.assertIn(fragment, result['reasons'][0])

    def test_unknown_images_type(self):
        self.assertMisconfigured('[libvirt]\nimages_type = zfs\n', "'zfs'",
                                 'set [libvirt] images_type = flat')

    def test_bad_booleans(self):
        self.assertMisconfigured('[DEFAULT]\nuse_cow_images = maybe\n',
                                 'use_cow_images', 'True or False')
        self.assertMisconfigured('[DEFAULT]\nforce_raw_images = 2\n'
                                 '[libvirt]\nimages_type = flat\n',
                                 'force_raw_images', 'True or False')

    def test_contradictory_options(self):
        self.assertMisconfigured(
            '[DEFAULT]\nforce_raw_images = False\n[libvirt]\n'
            'images_type = rbd\n', 'set [DEFAULT] force_raw_images = True')
        self.assertMisconfigured('[libvirt]\nimages_type = lvm\n',
                                 'set [libvirt] images_volume_group')
        self.assertMisconfigured(
            '[DEFAULT]\npreallocate_images = full\n[libvirt]\n'
            'images_type = lvm\nimages_volume_group = vg\n',
            'set [DEFAULT] preallocate_images = space')

    def test_missing_host_mount_table(self):
        """A container without the host's /proc: fail closed."""
        os.remove(self.host.path(fakehost.HOST_MOUNTINFO))
        # The probe's own table is there, and says ext4: never used.
        self.host.write('/proc/self/mountinfo', fakehost.ROOT_MOUNT)
        self.host.nova_conf('[libvirt]\nimages_type = raw\n')
        self.assertProbeError(
            self.host.path('/proc/1/mountinfo'), 'cannot read',
            "host's / recursively", '-v /:/host:ro,rslave')

    def test_garbled_mountinfo(self):
        self.host.write(fakehost.HOST_MOUNTINFO, 'garbage\n')
        self.host.nova_conf('[libvirt]\nimages_type = raw\n')
        self.assertProbeError('/proc/1/mountinfo', 'line 1')

    def test_missing_instances_path_is_unsuitable(self):
        """Never the filesystem of a parent directory: not there, unknown."""
        self.assertMisconfigured(
            '[DEFAULT]\ninstances_path = /nonexistent/instances\n'
            '[libvirt]\nimages_type = raw\n',
            'instances_path /nonexistent/instances does not exist',
            'create it or set [DEFAULT] instances_path')
        self.host.write('/srv/instances', 'a file\n')
        self.assertMisconfigured(
            '[DEFAULT]\ninstances_path = /srv/instances\n'
            '[libvirt]\nimages_type = raw\n',
            'instances_path /srv/instances is not a directory')

    def test_bad_device_spec(self):
        self.host.nova_conf('[pci]\ndevice_spec = {vendor\n')
        self.assertProbeError('device_spec', 'JSON')


class TestCommand(ProbeTestCase):
    """The console command: JSON on stdout; one line, status 2 on errors."""

    def run_cli(self, *args):
        return subprocess.run(
            [sys.executable, '-c',
             'import sys; from aerospike_filters.cmd import main; '
             'sys.exit(main.main(sys.argv[1:]))', 'probe',
             '--root', self.host.root] + list(args),
            capture_output=True, text=True, timeout=60)

    def test_json_report(self):
        self.host.nova_conf('[DEFAULT]\nhost = c7\n[libvirt]\n'
                            'images_type = lvm\nimages_volume_group = vg\n')
        result = self.run_cli()
        self.assertEqual(0, result.returncode, result.stderr)
        data = json.loads(result.stdout)
        self.assertEqual({'host', 'ephemeral_backend', 'nvme_devices',
                          'reasons', 'advice'}, set(data))
        self.assertEqual(('c7', 'lvm'), (data['host'],
                                         data['ephemeral_backend']))

    def test_relative_paths_start_at_the_current_directory(self):
        """As in any command: 'probe --nova-conf etc/nova/compute-3.conf'."""
        work = self.useFixture(fixtures.TempDir()).path
        os.makedirs(os.path.join(work, 'etc', 'nova'))
        with open(os.path.join(work, 'etc', 'nova', 'compute-3.conf'),
                  'w') as stream:
            stream.write('[DEFAULT]\nhost = compute-3\n'
                         '[libvirt]\nimages_type = lvm\n')
        result = subprocess.run(
            [sys.executable, '-c',
             'import sys; from aerospike_filters.cmd import main; '
             'sys.exit(main.main(sys.argv[1:]))', 'probe',
             '--nova-conf', 'etc/nova/compute-3.conf'],
            capture_output=True, text=True, timeout=60, cwd=work)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual('compute-3', json.loads(result.stdout)['host'])

    def test_missing_root_is_named(self):
        result = self.run_cli('--root', '/nonexistent')
        self.assertEqual(2, result.returncode)
        self.assertEqual('--root /nonexistent: no such directory',
                         result.stderr.strip())

    def test_bad_input_is_one_line_and_status_2(self):
        result = self.run_cli('--nova-conf', '/etc/nova/missing.conf')
        self.assertEqual(2, result.returncode)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), result.stderr)
        self.assertIn('/etc/nova/missing.conf', lines[0])
        self.assertNotIn('Traceback', result.stderr)


class TestNoCommands(ProbeTestCase):

    def test_probe_runs_no_command(self):
        def refuse(*args, **kwargs):
            raise AssertionError('the probe ran a command: %r' % (args,))

        for name in ('subprocess.Popen', 'os.system', 'os.popen',
                     'os.execv', 'os.execvp'):
            self.useFixture(fakehost.fixtures.MonkeyPatch(name, refuse))
        self.host.nvme('0000:81:00.0')
        self.host.mount('/var/lib/nova', 'btrfs')
        result = self.probe(SPEC + '[libvirt]\nimages_type = raw\n',
                            nocow=report.has_nocow)
        self.assertEqual('raw_cow', result['ephemeral_backend'])

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

"""The probe's decision: the effective ephemeral backend of this host.

Inputs are nova.conf (images_type, use_cow_images, instances_path, the
volume group or RBD pool, ``[pci] device_spec``), the mount holding the
instances directory, the NOCOW attribute of that directory on
copy-on-write filesystems, and the NVMe controllers in sysfs. The output
names a backend of :mod:`aerospike_filters.storage` and says why.
"""

import array
import fcntl
import os
import socket

from aerospike_filters.probe import mounts
from aerospike_filters.probe import novaconf
from aerospike_filters.probe import pci
from aerospike_filters.probe import rootfs
from aerospike_filters import storage

#: ``FS_IOC_GETFLAGS`` and ``FS_NOCOW_FL`` from linux/fs.h.
FS_IOC_GETFLAGS = 0x80086601
FS_NOCOW_FL = 0x00800000
IMAGES_TYPES = ('default', 'raw', 'flat', 'qcow2', 'lvm', 'rbd', 'ploop')


class ProbeError(ValueError):
    """The probe cannot decide; the message names the file and the fault."""


def has_nocow(path):
    """Whether ``path`` carries the NOCOW attribute (``chattr +C``).

    The one seam of the probe: tests replace it, since no btrfs exists
    where they run. Unknown (ioctl unsupported) counts as copy-on-write.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        flags = array.array('l', [0])
        fcntl.ioctl(fd, FS_IOC_GETFLAGS, flags, True)
        return bool(flags[0] & FS_NOCOW_FL)
    except OSError:
        return False
    finally:
        os.close(fd)


def probe(root='/', nova_conf='/etc/nova/nova.conf',
          nova_conf_dir='/etc/nova/nova.conf.d', host=None,
          nocow=has_nocow):
    """The report: host, ephemeral_backend, nvme_devices, reasons, advice.

    :raises ProbeError: naming the file and what is wrong with it.
    """
    if not os.path.isdir(root):
        raise ProbeError('--root %s: no such directory' % root)
    try:
        return _probe(root, nova_conf, nova_conf_dir, host, nocow)
    except (novaconf.NovaConfError, rootfs.RootError,
            mounts.MountError) as exc:
        raise ProbeError(str(exc))


def _probe(root, nova_conf, nova_conf_dir, host, nocow):
    conf = novaconf.load(root, nova_conf, nova_conf_dir)
    advice = []
    try:
        images_type, why = _images_type(conf)
        backend, how = (_block_backend(conf, images_type) or
                        _file_backend(root, conf, images_type, nocow,
                                      advice))
        reasons = [why, how]
    except novaconf.BadOption as exc:
        # Never raw by default: a host nova.conf cannot be mapped for is
        # published as unsuitable, with the option and its fix.
        backend, reasons, advice = storage.MISCONFIGURED, [str(exc)], []
    try:
        specs = pci.parse_specs(conf.device_specs)
    except pci.DeviceSpecError as exc:
        raise ProbeError('%s: %s' % (conf.files[-1], exc))
    devices = pci.nvme_devices(root, specs)
    return {
        'host': conf.host or host or socket.gethostname(),
        'ephemeral_backend': backend,
        # Every NVMe controller; "passthrough" marks those nova may pass
        # through ([pci] device_spec), the others are the host's own disks.
        'nvme_devices': [{'address': d.address,
                          'vendor_product': '%s:%s' % (d.vendor_id,
                                                       d.product_id),
                          'driver': d.driver,
                          'vfio': d.driver == 'vfio-pci',
                          'passthrough': d.passthrough}
                         for d in devices],
        'reasons': reasons + [_device_reason(d) for d in devices],
        'advice': advice,
    }


def _images_type(conf):
    """libvirt's effective images_type, and why.

    ``raw`` and ``default`` without ``use_cow_images`` are nova's Flat
    backend, reported as ``flat``.
    """
    images_type = conf.images_type
    if images_type not in IMAGES_TYPES:
        raise novaconf.BadOption(
            '%s: [libvirt] images_type = %r is not one of %s, so '
            'nova-compute does not start: set [libvirt] images_type = flat '
            '(or lvm)' % (conf.files[-1], images_type,
                          ', '.join(IMAGES_TYPES)))
    if images_type != 'default':
        return ('flat' if images_type == 'raw' else images_type,
                '[libvirt] images_type = %s' % images_type)
    images_type = 'qcow2' if conf.use_cow_images else 'flat'
    return images_type, ('[libvirt] images_type is default and [DEFAULT] '
                         'use_cow_images is %s: %s images'
                         % (str(conf.use_cow_images).lower(), images_type))


def _block_backend(conf, images_type):
    """(backend, why) when disks are not files on a filesystem, else None.

    :raises novaconf.BadOption: when nova-compute would refuse the options.
    """
    conf.preallocate_images  # checked for every backend, as nova does
    if images_type == 'lvm':
        group = conf.get('libvirt', 'images_volume_group')
        if not group:
            raise novaconf.BadOption(
                '%s: [libvirt] images_type = lvm without [libvirt] '
                'images_volume_group, so nova cannot create any disk: set '
                '[libvirt] images_volume_group = <volume group>'
                % conf.files[-1])
        # With force_raw_images = False nova accepts raw images only: the
        # logical volume is raw either way.
        return 'lvm', ('ephemeral disks are LVM logical volumes in volume '
                       'group %s' % group)
    if images_type == 'rbd':
        if not conf.force_raw_images:
            raise novaconf.BadOption(
                '%s: [DEFAULT] force_raw_images = False with [libvirt] '
                'images_type = rbd, which nova-compute refuses to start '
                'with: set [DEFAULT] force_raw_images = True (rbd stays '
                'network storage)' % conf.files[-1])
        return 'rbd', ('ephemeral disks are Ceph RBD images in pool %s: '
                       'network storage' % conf.get(
                           'libvirt', 'images_rbd_pool', 'rbd'))
    if images_type == 'ploop':
        return 'ploop', 'ploop images are copy-on-write'
    return None


def _file_backend(root, conf, images_type, nocow, advice):
    """(backend, why) of flat or qcow2 files, from their filesystem.

    Appends the seed's advice for raw files that could be faster.
    """
    path = rootfs.resolve(root, conf.instances_path)
    if not os.path.isdir(rootfs.on_disk(root, path)):
        # Never the filesystem of a parent: the disks are not there.
        raise novaconf.BadOption(
            '%s: [DEFAULT] instances_path %s %s, so nothing says where the '
            'disks are: create it or set [DEFAULT] instances_path to the '
            "instances directory%s" % (
                conf.files[-1], conf.instances_path,
                'is not a directory' if os.path.lexists(
                    rootfs.on_disk(root, path)) else 'does not exist',
                '' if root == '/' else ' (under --root %s, as the host '
                'sees it)' % root))
    mount = mounts.mount_of(mounts.load(root), path)
    if mount is None:
        raise ProbeError('%s: no mount holds %s' % (
            mounts.table_path(root), path))
    where = '%s (instances_path %s) is on %s, a %s filesystem' % (
        path, conf.instances_path, mount.point, mount.fstype)
    network = mounts.NETWORK_FILESYSTEMS.get(mount.fstype)
    if network is None and mounts.is_fuse_network(mount.fstype):
        network = 'nfs'
    if network is not None:
        return network, where + ' over the network (%s)' % mount.source
    if mount.fstype in mounts.MEMORY_FILESYSTEMS:
        raise novaconf.BadOption(
            '%s: %s, in memory: disks there are lost at reboot; set [DEFAULT] '
            'instances_path to a directory on a local disk' % (
                conf.files[-1], where))
    if images_type == 'qcow2':
        return 'qcow2', where + '; qcow2 images are copy-on-write'
    if not conf.force_raw_images:
        return storage.FLAT_KEEPS_FORMAT, (
            '[DEFAULT] force_raw_images = False: the flat backend keeps each '
            "image's format, so a qcow2 image gives a qcow2 disk; set "
            '[DEFAULT] force_raw_images = True for raw disks')
    if mount.fstype in mounts.COPY_ON_WRITE_FILESYSTEMS:
        if not nocow(rootfs.on_disk(root, path)):
            return 'raw_cow', (
                where + ' and the directory lacks NOCOW: raw files are '
                'copy-on-write; run chattr +C %s (new files inherit it)'
                % path)
        where += ' with NOCOW set on the directory'
    advice.extend(_raw_advice(conf, mount))
    return 'raw', where + ': raw files on local storage'


def _raw_advice(conf, mount):
    """The seed's advice for raw files: preallocated, no access times."""
    found = []
    if conf.preallocate_images != 'space':
        found.append('[DEFAULT] preallocate_images is %s: raw files grow '
                     'as the guest writes and fragment; set [DEFAULT] '
                     'preallocate_images = space and restart nova-compute'
                     % conf.preallocate_images)
    if 'noatime' not in mount.options:
        found.append('%s is mounted without noatime (%s): reads update '
                     'access times; add noatime to its mount options '
                     '(/etc/fstab) and remount: mount -o remount,noatime %s'
                     % (mount.point, 'relatime' if 'relatime' in
                        mount.options else 'atime', mount.point))
    return found


def _device_reason(device):
    name = 'NVMe controller %s (%s:%s, driver %s)' % (
        device.address, device.vendor_id, device.product_id,
        device.driver or 'none')
    if device.passthrough:
        return name + ' matches [pci] device_spec: available for ' \
            'passthrough' + ('' if device.driver == 'vfio-pci' else
                             ' (not yet bound to vfio-pci)')
    return name + ' is not in [pci] device_spec: a disk of the host itself'

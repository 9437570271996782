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

"""Which filesystem holds a path: the host's mountinfo, longest prefix.

The host's mount table is that of the host's mount namespace. On the host
(``--root /``) it is the probe's own, ``/proc/self/mountinfo``. Under
another root (a container's view of the host) the probe's own table is the
container's, which says nothing about the host's instances directory: the
host's is ``<root>/proc/1/mountinfo``, the table of the host's first
process, which the container reaches only with the host's ``/`` mounted
recursively at the root (the host's ``/proc`` with it). Without it the
probe fails closed, naming what the container lacks.
"""

import collections
import re

from aerospike_filters.probe import rootfs

MOUNTINFO = '/proc/self/mountinfo'
#: The host's mount table as a container sees it under ``--root``.
HOST_MOUNTINFO = '/proc/1/mountinfo'
#: What a container needs for the probe to see HOST_MOUNTINFO: the host's
#: / with its submounts (the host's /proc among them) at --root.
CONTAINER_NEEDS = ("mount the host's / recursively at --root, its /proc "
                   "included (-v /:/host:ro,rslave), and run the container "
                   "with the host's PID namespace (--pid=host)")

Mount = collections.namedtuple('Mount', 'point fstype source options')
Mount.__doc__ = """One mount; ``options``: a frozenset of its mount and
superblock options (``noatime``, ``relatime``, ...)."""

#: Filesystem types whose data lives across the network, and the backend
#: name a raw or qcow2 image on them gets.
NETWORK_FILESYSTEMS = {
    'nfs': 'nfs', 'nfs4': 'nfs', 'cifs': 'cifs', 'smb3': 'cifs',
    'smbfs': 'cifs', 'glusterfs': 'glusterfs', 'fuse.glusterfs': 'glusterfs',
    'ceph': 'cephfs', 'fuse.ceph-fuse': 'cephfs', 'lustre': 'nfs',
    'gpfs': 'nfs', '9p': 'nfs', 'afs': 'nfs', 'ocfs2': 'nfs',
    'gfs2': 'nfs',
}
COPY_ON_WRITE_FILESYSTEMS = ('btrfs', 'zfs', 'bcachefs')
#: Filesystems in memory: disks there are lost at reboot, take the RAM
#: the guests need, and are no local storage Aerospike can rely on.
MEMORY_FILESYSTEMS = ('tmpfs', 'ramfs')

_ESCAPE = re.compile(r'\\([0-7]{3})')


class MountError(ValueError):
    """mountinfo cannot be read or parsed."""


def _unescape(field):
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse(text):
    """Mounts listed in mountinfo text (see proc(5))."""
    mounts = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split()
        try:
            separator = fields.index('-')
            point = _unescape(fields[4])
            fstype, source = fields[separator + 1], fields[separator + 2]
            options = frozenset(fields[5].split(',') + (
                fields[separator + 3].split(',')
                if len(fields) > separator + 3 else []))
        except (ValueError, IndexError):
            raise MountError('line %d is not a mountinfo line: %r'
                             % (number, line[:80]))
        mounts.append(Mount(point, fstype, _unescape(source), options))
    return mounts


def mount_of(mounts, path):
    """The mount holding ``path`` (a resolved absolute path).

    The longest mount point that is a prefix of it; of equal ones, the last
    mounted (it hides the others).
    """
    best = None
    for mount in mounts:
        point = mount.point.rstrip('/') or '/'
        if path == point or path.startswith(
                point if point.endswith('/') else point + '/'):
            if best is None or len(point) >= len(best.point.rstrip('/')
                                                 or '/'):
                best = mount
    return best


def table_path(root):
    """The file holding the host's mount table, as read under ``root``."""
    return MOUNTINFO if root == '/' else HOST_MOUNTINFO


def load(root):
    """The host's mounts, or MountError in one line.

    :raises MountError: the table cannot be read (under a root: naming
        what the container lacks) or parsed.
    """
    name = table_path(root)
    try:
        text = rootfs.read_text(root, name)
    except OSError as exc:
        if root == '/':
            raise MountError('%s: cannot read: %s' % (name,
                                                      exc.strerror or exc))
        raise MountError(
            '--root %s: cannot read the host\'s mount table %s (%s), so '
            'which filesystem holds the instances is unknown: %s'
            % (root, rootfs.on_disk(root, name), exc.strerror or exc,
               CONTAINER_NEEDS))
    try:
        return parse(text)
    except MountError as exc:
        raise MountError('%s: %s' % (name, exc))


def is_fuse_network(fstype):
    """FUSE filesystems other than local ones are treated as network."""
    return fstype.startswith('fuse.') and fstype not in (
        'fuse.lxcfs', 'fuse.portal', 'fuse.gvfsd-fuse')

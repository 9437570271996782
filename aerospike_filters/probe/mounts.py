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

"""Which filesystem holds a path: ``/proc/self/mountinfo``, longest prefix.
"""

import collections
import re

from aerospike_filters.probe import rootfs

MOUNTINFO = '/proc/self/mountinfo'

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


def load(root):
    try:
        return parse(rootfs.read_text(root, MOUNTINFO))
    except OSError as exc:
        raise MountError('%s: cannot read: %s' % (MOUNTINFO,
                                                  exc.strerror or exc))
    except MountError as exc:
        raise MountError('%s: %s' % (MOUNTINFO, exc))


def is_fuse_network(fstype):
    """FUSE filesystems other than local ones are treated as network."""
    return fstype.startswith('fuse.') and fstype not in (
        'fuse.lxcfs', 'fuse.portal', 'fuse.gvfsd-fuse')

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

"""Storage tiers and the ephemeral-backend vocabulary.

The knowledge of the Aerospike disk FAQ in one place: which storage an
Aerospike instance may use (its *tiers*) and how every ephemeral backend
name a cloud may publish is classified. Pure Python; no nova import.

Tiers, best first:

* ``nvme``: NVMe drives passed through to the guest (VT-d / PCI
  passthrough), the fastest option;
* ``lvm``: a raw LVM logical volume (or raw block device) on the host;
* ``raw``: a raw image file on a local filesystem without copy-on-write.

Backend names follow libvirt's ``[libvirt] images_type`` (``lvm``, ``raw``,
``flat``, ``qcow2``, ``ploop``, ``rbd``) plus the network and
translation-layer kinds the FAQ warns against.
"""

import collections

NVME = 'nvme'
LVM = 'lvm'
RAW = 'raw'

#: Tiers best first; the weigher ranks hosts in this order.
TIERS = (NVME, LVM, RAW)
#: ``aerospike:storage=local`` accepts every tier.
LOCAL = 'local'
#: Weigher rank of each tier: higher is better.
TIER_RANK = {NVME: 3, LVM: 2, RAW: 1}

#: Why a backend is suitable or not, as shown in reasons and summaries.
SUITABLE = 'suitable'
COPY_ON_WRITE = 'copy-on-write'
TRANSLATION_LAYER = 'translation-layer format'
NETWORK = 'network-backed'
UNVERIFIABLE = 'unverifiable'

#: Backends the probe publishes beyond libvirt's own images_type names.
FLAT_KEEPS_FORMAT = 'flat_keeps_format'
MISCONFIGURED = 'misconfigured'

Backend = collections.namedtuple('Backend', 'name tier kind description')
Backend.__doc__ = """A classified ephemeral backend.

``tier`` is the tier the backend offers, or None when Aerospike must not
use it; ``kind`` is one of SUITABLE, COPY_ON_WRITE, TRANSLATION_LAYER,
NETWORK, UNVERIFIABLE.
"""


def _backend(name, tier, kind, description):
    return name, Backend(name, tier, kind, description)


BACKENDS = dict([
    _backend('lvm', LVM, SUITABLE, 'LVM logical volume'),
    _backend('raw', RAW, SUITABLE, 'raw image file on a local filesystem'),
    _backend('qcow2', None, COPY_ON_WRITE, 'qcow2 copy-on-write image'),
    _backend('ploop', None, COPY_ON_WRITE, 'ploop copy-on-write image'),
    _backend('raw_cow', None, COPY_ON_WRITE,
             'raw file on a copy-on-write filesystem (btrfs without '
             'NOCOW)'),
    _backend(FLAT_KEEPS_FORMAT, None, COPY_ON_WRITE,
             'flat files in the image\'s own format ([DEFAULT] '
             'force_raw_images = False): a qcow2 image gives a qcow2 disk'),
    _backend(MISCONFIGURED, None, UNVERIFIABLE,
             'a nova.conf that maps to no known disk format'),
    _backend('vmdk', None, TRANSLATION_LAYER, 'VMware vmdk image'),
    _backend('vdi', None, TRANSLATION_LAYER, 'VirtualBox vdi image'),
    _backend('vhd', None, TRANSLATION_LAYER, 'VirtualPC vhd image'),
    _backend('vhdx', None, TRANSLATION_LAYER, 'Hyper-V vhdx image'),
    _backend('vvfat', None, TRANSLATION_LAYER, 'virtual VFAT image'),
    _backend('rbd', None, NETWORK, 'Ceph RBD'),
    _backend('nfs', None, NETWORK, 'NFS or another network filesystem'),
    _backend('iscsi', None, NETWORK, 'iSCSI'),
    _backend('cephfs', None, NETWORK, 'CephFS'),
    _backend('glusterfs', None, NETWORK, 'GlusterFS'),
    _backend('cifs', None, NETWORK, 'CIFS/SMB share'),
    _backend('nbd', None, NETWORK, 'network block device'),
])

#: Other spellings accepted for a backend name.
ALIASES = {'flat': 'raw', 'ceph': 'rbd', 'nfs4': 'nfs', 'smb': 'cifs',
           'smb3': 'cifs', 'gluster': 'glusterfs'}

#: Every accepted spelling, for messages and option choices.
BACKEND_NAMES = tuple(sorted(set(BACKENDS) | set(ALIASES)))


def backend_for(value):
    """Classify a backend name; return a Backend, or None if unrecognised.

    Case-insensitive and tolerant of surrounding white space. ``flat`` is
    ``raw`` as in libvirt's ``images_type``.
    """
    if not isinstance(value, str):
        return None
    name = value.strip().lower()
    return BACKENDS.get(ALIASES.get(name, name))


def describe_accepted_backends():
    """One line naming every accepted backend name."""
    return ', '.join(BACKEND_NAMES)

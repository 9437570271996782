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

"""Configuration options of the ``[aerospike_filters]`` group.

Registered on oslo.config's global ``CONF``, which is nova's, so the
options live in nova.conf next to ``[filter_scheduler]``.
:func:`list_opts` feeds ``oslo-config-generator`` and the Sphinx
configuration reference.
"""

from oslo_config import cfg
from oslo_config import types

from aerospike_filters import storage

GROUP = 'aerospike_filters'

aerospike_group = cfg.OptGroup(
    GROUP,
    title='Aerospike storage filter and weigher',
    help="""
Options of the AerospikeStorageFilter and AerospikeStorageWeigher, which
place instances of flavors tagged with the ``aerospike:storage`` extra spec
only on hosts with local raw/LVM ephemeral storage or free NVMe passthrough
devices.
""")

_backend_type = types.String(choices=storage.BACKEND_NAMES, ignore_case=True,
                             type_name='backend')

aerospike_opts = [
    cfg.StrOpt(
        'ephemeral_backend_key',
        default='ephemeral_backend',
        help="""
Host aggregate metadata key that names the ephemeral storage backend of the
aggregate's hosts, e.g. ``ephemeral_backend=lvm``. Values follow libvirt's
``[libvirt] images_type`` (lvm, raw, flat, qcow2, ploop, rbd) plus nfs,
iscsi, cephfs, glusterfs, cifs, nbd, vmdk, vdi, vhd, vhdx, vvfat and
raw_cow. Only lvm and raw/flat are suitable for Aerospike; an unrecognised
value counts as unsuitable.
"""),
    cfg.Opt(
        'host_backends',
        type=types.Dict(value_type=_backend_type),
        default={},
        help="""
Fallback ephemeral backend per compute host, as ``host:backend`` pairs,
used only for hosts none of whose aggregates carries the backend metadata
key. Example: ``compute1:lvm,compute2:qcow2``.
"""),
    cfg.ListOpt(
        'nvme_pci_aliases',
        default=['nvme'],
        help="""
Names of ``[pci] alias`` entries that denote NVMe drives for passthrough.
A flavor asking for the ``nvme`` tier needs as many free matching devices as
its ``pci_passthrough:alias`` requests through these aliases, else one.
"""),
    cfg.BoolOpt(
        'allow_nvme_on_unsuitable_backend',
        default=False,
        help="""
Let requests that accept the ``nvme`` tier use a host with enough free NVMe
passthrough devices even when its ephemeral backend is known to be
unsuitable (qcow2, rbd, nfs...). Off by default: the root and ephemeral
disks of such a guest would still sit on slow storage.
"""),
    cfg.BoolOpt(
        'isolate_dedicated_hosts',
        default=False,
        help="""
Reject flavors without ``aerospike:storage`` on hosts in an aggregate with
metadata ``aerospike_dedicated=true``, so ordinary workloads do not use up
the Aerospike hosts.
"""),
    cfg.FloatOpt(
        'storage_weight_multiplier',
        default=1.0,
        help="""
Multiplier of the AerospikeStorageWeigher, which prefers nvme over lvm over
raw hosts for tagged flavors (ties broken by more free NVMe devices).
Positive values prefer the faster tier; 0 disables the preference. Hosts
can override it with aggregate metadata
``aerospike_storage_weight_multiplier``.
"""),
]


def register_opts(conf):
    """Register this plugin's options on ``conf``."""
    conf.register_group(aerospike_group)
    conf.register_opts(aerospike_opts, group=aerospike_group)


def list_opts():
    """Options for oslo-config-generator and the Sphinx reference."""
    return [(aerospike_group, aerospike_opts)]


CONF = cfg.CONF
register_opts(CONF)

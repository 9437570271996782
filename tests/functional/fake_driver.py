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

"""A fake virt driver whose hosts can have NVMe drives for passthrough.

nova starts one driver per compute service from ``[DEFAULT]
compute_driver``, so the drives of each host come from
:data:`NVME_DRIVES` (host name -> count), set by the test before it starts
the computes. The drives are reported as nova's libvirt driver reports
them: PCI devices in ``pci_passthrough_devices``, which nova's resource
tracker matches against ``[pci] device_spec`` and pools for the scheduler.
A host's compute node is named after it unless :data:`NODE_NAMES` (host
name -> node name) names it otherwise, as libvirt does with an FQDN.
"""

import sys

from nova.virt import fake
from oslo_serialization import jsonutils

NVME_VENDOR = '144d'
NVME_PRODUCT = 'a80a'
#: Host name -> number of NVMe drives it reports.
NVME_DRIVES = {}
#: Host name -> the name of its compute node, when not the host's.
NODE_NAMES = {}
#: nova loads ``[DEFAULT] compute_driver`` from its ``nova.virt`` package.
NAME = 'aerospike_fake'


def register():
    """Make this module loadable as ``nova.virt.aerospike_fake``."""
    sys.modules['nova.virt.' + NAME] = sys.modules[__name__]


class NvmeFakeDriver(fake.MediumFakeDriver):
    """MediumFakeDriver plus the NVMe drives NVME_DRIVES gives its host."""

    def init_host(self, host):
        super().init_host(host)
        if host in NODE_NAMES:
            self._set_nodes([NODE_NAMES[host]])

    def get_available_resource(self, nodename):
        status = super().get_available_resource(nodename)
        status['pci_passthrough_devices'] = jsonutils.dumps([
            {'address': '0000:81:%02x.0' % slot,
             'vendor_id': NVME_VENDOR, 'product_id': NVME_PRODUCT,
             'dev_type': 'type-PCI', 'status': 'available',
             'parent_addr': None, 'numa_node': 0,
             'label': 'label_%s_%s' % (NVME_VENDOR, NVME_PRODUCT)}
            for slot in range(NVME_DRIVES.get(self._host, 0))])
        return status

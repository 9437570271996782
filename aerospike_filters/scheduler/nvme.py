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

"""NVMe passthrough devices, as nova's PCI code sees them.

What a request needs (its PCI requests made through an NVMe alias) and
what a host has free (its PCI device pools), matched with nova's own
``pci_device_prop_match``, as PciPassthroughFilter matches them.
"""

import collections

from nova.pci import stats as pci_stats
from nova.pci import utils as pci_utils

NvmeDemand = collections.namedtuple('NvmeDemand', 'specs needed')
NvmeDemand.__doc__ = """PCI specs an NVMe device must match, and how many
devices the request needs."""


def nvme_demand(spec_obj, alias_names):
    """The NVMe devices a RequestSpec requests, or None if it requests none.

    Only the flavor's PCI requests made through one of ``alias_names`` (nova
    translated ``pci_passthrough:alias`` into them with ``[pci] alias``)
    count: the specs a device must match and the number of devices.
    """
    requests = []
    if spec_obj.obj_attr_is_set('pci_requests') and spec_obj.pci_requests:
        requests = [r for r in spec_obj.pci_requests.requests
                    if r.obj_attr_is_set('alias_name') and
                    r.alias_name in alias_names]
    ignored = pci_stats.PciDeviceStats.ignored_spec_tags
    specs = [{k: v for k, v in spec.items() if k not in ignored}
             for r in requests for spec in r.spec]
    if not specs:
        return None
    return NvmeDemand(specs, sum(r.count for r in requests))


def count_free_devices(stats, specs):
    """Free devices in a host's PCI pools that match any of ``specs``."""
    return sum(pool['count'] for pool in stats.pools
               if pci_utils.pci_device_prop_match(pool, specs))


def has_pools(host_state):
    """Whether nova tracks PCI devices on the host."""
    stats = host_state.pci_stats
    return stats is not None and bool(stats.pools)

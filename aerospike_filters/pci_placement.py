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

"""The PCI devices nova reports to placement, as the snapshot's pools.

When nova reports PCI devices there (``[pci] report_in_placement``):
nova names a device's resource class CUSTOM_PCI_<VENDOR>_<PRODUCT>
(unless ``[pci] device_spec`` sets ``resource_class``), on a child
provider of the compute node's.
"""

import re

from aerospike_filters.client import resource_providers

_PCI_CLASS = re.compile(r'^CUSTOM_PCI_([0-9A-F]{4})_([0-9A-F]{4})$')


def inventory(conn, node_to_host, providers=None):
    """(free pools, device totals) of PCI devices per host, or None.

    The free pools are what the filter counts; the totals, used or free,
    what host traits are computed from (they must not change with every
    boot).

    Placement has no bulk read of inventories or usages: each child
    provider's inventory is one request (D, one per child of a compute
    node). Usages are not read one by one where a device provider holds
    one device (nova's type-PCI devices): one ``resources=<class>:1``
    query per PCI resource class (R) says which of them are free. Only a
    provider of several devices (a PF's VFs) has its usages read (U).
    Placement requests: D + R + U, none per compute node.

    :param providers: the resource_providers.Providers to list them with.
    """
    try:
        listed = (providers or resource_providers.Providers(conn)).all()
    except Exception:
        return None
    by_uuid = {p['uuid']: p for p in listed}
    devices = []  # (provider uuid, host, resource class, inventory)
    for provider in listed:
        root = by_uuid.get(provider.get('root_provider_uuid'))
        if root is None or root['uuid'] == provider['uuid']:
            continue
        host = node_to_host.get(root['name'])
        if host is None:
            continue
        inventories = resource_providers.inventories(conn, provider['uuid'])
        devices += [(provider['uuid'], host, rc, inventory)
                    for rc, inventory in sorted(inventories.items())
                    if _PCI_CLASS.match(rc)]
    with_free = {rc: {p['uuid'] for p in resource_providers.with_one_free(
        conn, rc)} for rc in sorted({device[2] for device in devices})}
    usages = {}
    free, total = {}, {}  # (host, vendor, product) -> devices
    for uuid, host, rc, inventory in devices:
        count = max(inventory['total'] - inventory.get('reserved', 0), 0)
        if _single_device(inventory):
            used = count if uuid not in with_free[rc] else 0
        else:
            if uuid not in usages:
                usages[uuid] = resource_providers.usages(conn, uuid)
            used = usages[uuid].get(rc, 0)
        match = _PCI_CLASS.match(rc)
        key = (host, match.group(1).lower(), match.group(2).lower())
        total[key] = total.get(key, 0) + count
        free[key] = free.get(key, 0) + max(count - used, 0)
    if not total:
        return None
    return _pools(free), _pools(total)


def _single_device(inventory):
    """Whether ``resources=<class>:1`` tells exactly if it is free."""
    return (inventory['total'] - inventory.get('reserved', 0) <= 1 and
            float(inventory.get('allocation_ratio', 1.0)) == 1.0 and
            inventory.get('min_unit', 1) == 1 and
            inventory.get('step_size', 1) == 1)


def _pools(counts):
    """{host: [pool]}, one pool per product of each host."""
    pools = {}
    for (host, vendor, product), count in sorted(counts.items()):
        pools.setdefault(host, []).append({
            'vendor_id': vendor, 'product_id': product,
            'dev_type': 'type-PCI', 'count': count})
    return pools

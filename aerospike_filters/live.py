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

"""Read a live cloud into the snapshot format, through openstacksdk.

What the APIs expose: nova-compute services (host, enabled, up), host
aggregates with their metadata, and, when nova reports PCI devices to
placement (``[pci] report_in_placement``), the free devices of each PCI
resource provider as pools. ``[pci] alias`` lives only in nova.conf: pass
the scheduler's nova.conf to ``explain``/``doctor`` with ``--config-file``.
Never logs or returns credentials.
"""

import re

from aerospike_filters import cloud

_PCI_CLASS = re.compile(r'^CUSTOM_PCI_([0-9A-F]{4})_([0-9A-F]{4})$')


def _services(conn):
    return [s for s in conn.compute.services()
            if s.binary == 'nova-compute']


def _placement_json(conn, url):
    response = conn.placement.get(
        url, microversion=cloud.PLACEMENT_MICROVERSION)
    response.raise_for_status()
    return response.json()


def pci_pools(conn, node_to_host):
    """PCI pools per host from placement, or None when not reported.

    nova names a PCI device's resource class CUSTOM_PCI_<VENDOR>_<PRODUCT>
    (unless ``resource_class`` is set in ``[pci] device_spec``) on a child
    provider of the compute node's provider.
    """
    try:
        providers = _placement_json(conn, '/resource_providers')[
            'resource_providers']
    except Exception:
        return None
    by_uuid = {p['uuid']: p for p in providers}
    counts = {}  # (host, vendor, product) -> free devices
    found = False
    for provider in providers:
        root = by_uuid.get(provider.get('root_provider_uuid'))
        if root is None or root['uuid'] == provider['uuid']:
            continue
        host = node_to_host.get(root['name'])
        if host is None:
            continue
        inventories = _placement_json(
            conn, '/resource_providers/%s/inventories' % provider['uuid']
        )['inventories']
        usages = None
        for rc, inventory in inventories.items():
            match = _PCI_CLASS.match(rc)
            if not match:
                continue
            found = True
            if usages is None:
                usages = _placement_json(
                    conn, '/resource_providers/%s/usages' % provider['uuid']
                )['usages']
            free = (inventory['total'] - inventory.get('reserved', 0) -
                    usages.get(rc, 0))
            key = (host, match.group(1).lower(), match.group(2).lower())
            counts[key] = counts.get(key, 0) + max(free, 0)
    if not found:
        return None
    # nova makes one provider per device (or PF): one pool per product.
    pools = {}
    for (host, vendor, product), count in sorted(counts.items()):
        pools.setdefault(host, []).append({
            'vendor_id': vendor, 'product_id': product,
            'dev_type': 'type-PCI', 'count': count})
    return pools


#: Hypervisor details at this microversion name the service's host but,
#: unlike 2.88 and later, do not make nova ask every compute its uptime.
HYPERVISOR_MICROVERSION = '2.53'


def node_hosts(conn):
    """Compute node name (hypervisor hostname) -> nova-compute host."""
    found = {}
    url = '/os-hypervisors/detail'
    while url:
        response = conn.compute.get(url, microversion=HYPERVISOR_MICROVERSION)
        response.raise_for_status()
        body = response.json()
        for hypervisor in body.get('hypervisors', []):
            host = (hypervisor.get('service') or {}).get('host')
            if host:
                found[hypervisor['hypervisor_hostname']] = host
        url = next((link['href'] for link in body.get('hypervisors_links', [])
                    if link.get('rel') == 'next'), None)
    return found


def snapshot(conn):
    """A snapshot dict of the live cloud (aerospike_filters.snapshot)."""
    services = _services(conn)
    node_to_host = node_hosts(conn)
    pools = pci_pools(conn, node_to_host) or {}
    hosts = []
    for service in sorted(services, key=lambda s: s.host):
        host = {'host': service.host,
                'disabled': service.status == 'disabled',
                'down': service.state == 'down'}
        if pools.get(service.host):
            host['pci_pools'] = pools[service.host]
        hosts.append(host)
    known = {h['host'] for h in hosts}
    aggregates = [{'name': agg.name,
                   'hosts': [h for h in (agg.hosts or []) if h in known],
                   'metadata': {k: str(v) for k, v in
                                (agg.metadata or {}).items()}}
                  for agg in conn.compute.aggregates()]
    flavors = [{'name': flavor.name,
                'extra_specs': {k: str(v) for k, v in
                                (flavor.extra_specs or {}).items()}}
               for flavor in conn.compute.flavors(details=True)]
    return {'description': 'captured from %s' % _endpoint(conn),
            'pci_in_placement': bool(pools),
            'hosts': hosts, 'aggregates': aggregates, 'flavors': flavors}


def _endpoint(conn):
    try:
        return conn.compute.get_endpoint()
    except Exception:
        return 'a live cloud'


def flavor_extra_specs(conn, name_or_id):
    """The extra specs of a flavor, or LookupError naming it."""
    flavor = conn.compute.find_flavor(name_or_id, ignore_missing=True)
    if flavor is None:
        raise LookupError('no flavor named or with ID %r' % name_or_id)
    specs = conn.compute.fetch_flavor_extra_specs(flavor).extra_specs
    return flavor.name, dict(specs or {})

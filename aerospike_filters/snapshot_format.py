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

"""The snapshot format: a cloud's hosts, aggregates and PCI pools as JSON.

``explain`` replays the real filter and weigher over a snapshot. Format
(every key but ``hosts`` optional)::

    {
      "description": "free text",
      "pci_aliases": [{"name": "nvme", "vendor_id": "144d",
                       "product_id": "a80a", "device_type": "type-PCI"}],
      "aggregates": [{"name": "lvm-hosts", "hosts": ["compute-1"],
                      "metadata": {"ephemeral_backend": "lvm"}}],
      "hosts": [{"host": "compute-1", "nodename": "compute-1",
                 "free_ram_mb": 65536, "disabled": false, "down": false,
                 "pci_pools": [{"vendor_id": "144d", "product_id": "a80a",
                                "dev_type": "type-PCI", "numa_node": 0,
                                "count": 2}],
                 "pci_devices": [{"vendor_id": "144d",
                                  "product_id": "a80a", "count": 4}],
                 "traits": ["CUSTOM_AEROSPIKE_STORAGE_LVM"]}],
      "flavors": [{"name": "aerospike.local",
                   "extra_specs": {"aerospike:storage": "local"}}],
      "server_groups": [{"id": "6c0f...", "name": "aerospike-cluster",
                         "policy": "soft-anti-affinity",
                         "members": [{"id": "0b5e...", "host": "compute-1",
                                      "flavor": "aerospike.local",
                                      "extra_specs": {
                                          "aerospike:storage": "local"}}]}]
    }

``flavors`` (used by ``doctor``) lists flavors with their extra specs
and, optionally, ``vcpus``, ``ram`` (MiB), ``disk`` and ``ephemeral``
(GiB);
``disabled`` and ``down`` report the nova-compute service's state;
``pci_aliases`` entries are ``[pci] alias`` entries of nova.conf;
``pci_pools`` are the compute node's free PCI devices, as nova's pools
(extra keys become pool tags); ``pci_devices`` all its PCI devices, used or
free, in the same form (when absent, the pools count); ``traits`` the
managed traits (``CUSTOM_AEROSPIKE_*``) its resource provider carries.
``pci_in_placement``: false when the cloud does not report PCI devices to
placement, so the hosts' devices are unknown. ``server_groups`` (used by
``explain --server-group`` and ``doctor``'s rack checks) lists server
groups with their policy and members: each member's host (null when
unknown) and its flavor's name and extra specs. Pure Python; no nova
import.
"""

import json

from aerospike_filters import host_facts
from aerospike_filters import rack_spread

SAMPLE = 'sample-snapshot.json'
#: Optional sizes of a snapshot's flavors.
FLAVOR_SIZES = ('vcpus', 'ram', 'disk', 'ephemeral')


class SnapshotError(ValueError):
    """A snapshot that cannot be used; the message names file and fault."""


def sample_path():
    """Path of the sample snapshot shipped with the package."""
    import os.path
    return os.path.join(os.path.dirname(__file__), 'data', SAMPLE)


def load(path):
    """Read and check a snapshot file; return its dict.

    :raises SnapshotError: naming the file and what is wrong.
    """
    try:
        with open(path, encoding='utf-8') as stream:
            data = json.load(stream)
    except OSError as exc:
        raise SnapshotError('%s: cannot read snapshot: %s'
                            % (path, exc.strerror or exc)) from None
    except ValueError as exc:
        raise SnapshotError('%s: not valid JSON: %s' % (path, exc)) from None
    try:
        check(data)
    except SnapshotError as exc:
        raise SnapshotError('%s: %s' % (path, exc)) from None
    return data


def _expect(condition, message, *args):
    if not condition:
        raise SnapshotError(message % args)


def _is_str_map(value):
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def check(data):
    """Check a snapshot's structure; raise SnapshotError on a fault."""
    _expect(isinstance(data, dict), 'the top level must be a JSON object')
    hosts = data.get('hosts')
    _expect(isinstance(hosts, list) and hosts,
            "'hosts' must be a non-empty list")
    names = set()
    for i, host in enumerate(hosts):
        name = _check_host('hosts[%d]' % i, host)
        _expect(name not in names, "hosts[%d]: host %r appears twice", i,
                name)
        names.add(name)
    aggregates = data.get('aggregates', [])
    _expect(isinstance(aggregates, list), "'aggregates' must be a list")
    for i, agg in enumerate(aggregates):
        _check_aggregate('aggregates[%d]' % i, agg, names)
    flavors = data.get('flavors', [])
    _expect(isinstance(flavors, list) and all(
        isinstance(f, dict) and isinstance(f.get('name'), str) and
        _is_str_map(f.get('extra_specs', {})) for f in flavors),
        "'flavors' must be a list of objects with a 'name' and string "
        "'extra_specs'")
    for i, flavor in enumerate(flavors):
        for key in FLAVOR_SIZES:
            _expect(_is_count(flavor.get(key, 0)) and flavor.get(key, 0) >= 0,
                    'flavors[%d].%s must be an integer of zero or more', i,
                    key)
    aliases = data.get('pci_aliases', [])
    _expect(isinstance(aliases, list) and all(
        isinstance(a, dict) and isinstance(a.get('name'), str)
        for a in aliases),
        "'pci_aliases' must be a list of objects with a 'name'")
    groups = data.get('server_groups', [])
    _expect(isinstance(groups, list), "'server_groups' must be a list")
    for i, group in enumerate(groups):
        _check_group('server_groups[%d]' % i, group)


def _check_group(where, group):
    _expect(isinstance(group, dict), '%s must be an object', where)
    for key in ('id', 'name', 'policy'):
        _expect(isinstance(group.get(key), str),
                "%s needs a string '%s'", where, key)
    members = group.get('members', [])
    _expect(isinstance(members, list), '%s.members must be a list', where)
    for j, member in enumerate(members):
        here = '%s.members[%d]' % (where, j)
        _expect(isinstance(member, dict) and
                isinstance(member.get('id'), str),
                "%s must be an object with a string 'id'", here)
        for key in ('host', 'flavor'):
            _expect(member.get(key) is None or
                    isinstance(member[key], str),
                    '%s.%s must be a string or null', here, key)
        _expect(_is_str_map(member.get('extra_specs', {})),
                '%s.extra_specs must map strings to strings', here)


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_host(where, host):
    """Check one entry of ``hosts``; return its name."""
    _expect(isinstance(host, dict), '%s must be an object', where)
    _expect('host' in host, "%s needs a 'host' name", where)
    name = host['host']
    _expect(isinstance(name, str) and name.strip(),
            "%s.host must be a non-empty string (the nova-compute host "
            "name), not %s", where, json.dumps(name))
    _expect(_is_count(host.get('free_ram_mb', 0)),
            '%s.free_ram_mb must be an integer', where)
    for key in ('disabled', 'down'):
        _expect(isinstance(host.get(key, False), bool),
                '%s.%s must be true or false', where, key)
    for key in ('pci_pools', 'pci_devices'):
        pools = host.get(key, [])
        _expect(isinstance(pools, list), '%s.%s must be a list', where, key)
        for j, pool in enumerate(pools):
            _check_pool('%s.%s[%d]' % (where, key, j), pool)
    # traits: the managed ones; facts: those its nova-compute published.
    for key in ('traits', 'facts'):
        traits = host.get(key, [])
        _expect(isinstance(traits, list) and
                all(isinstance(t, str) for t in traits),
                '%s.%s must be a list of trait names', where, key)
    return name


def _check_pool(where, pool):
    _expect(isinstance(pool, dict), '%s must be an object', where)
    for key in ('vendor_id', 'product_id'):
        _expect(isinstance(pool.get(key), str),
                "%s needs a string '%s'", where, key)
    count = pool.get('count')
    _expect(_is_count(count) and count >= 0,
            "%s needs a 'count' of zero or more", where)


def _check_aggregate(where, agg, hosts):
    _expect(isinstance(agg, dict), '%s must be an object', where)
    _expect(isinstance(agg.get('name'), str), "%s needs a 'name'", where)
    _expect(_is_str_map(agg.get('metadata', {})),
            '%s.metadata must map strings to strings', where)
    members = agg.get('hosts', [])
    _expect(isinstance(members, list) and
            all(isinstance(m, str) for m in members),
            '%s.hosts must be a list of host names', where)
    for member in members:
        _expect(member in hosts,
                "%s (%s) names host %r, which is not in 'hosts'",
                where, agg['name'], member)


def facts_of_hosts(data, backend_key, host_backends):
    """{host name: HostFacts}, as the filter derives them.

    From the metadata of each host's aggregates, else its ``host_backends``
    entry (the options of the scheduler's nova.conf).
    """
    members = {}
    for agg in data.get('aggregates', []):
        for name in agg.get('hosts', []):
            members.setdefault(name, []).append(
                (agg['name'], agg.get('metadata', {})))
    found = {}
    for host in data['hosts']:
        name = host['host']
        fallback = host_backends.get(name)
        found[name] = host_facts.facts_from_aggregates(
            members.get(name, []), backend_key,
            (fallback, 'host_backends') if fallback is not None else None)
    return found


def nvme_devices(host, aliases, nvme_alias_names, pci_known=True):
    """NVMe devices of a snapshot host, used or free; None when unknown.

    A device counts when its vendor and product are those of a ``[pci]
    alias`` named in ``nvme_alias_names`` (``aliases``: the alias dicts).
    Unknown: the cloud does not report PCI devices, or no such alias is
    defined (which devices are NVMe drives cannot be told).
    """
    wanted = {(str(a.get('vendor_id', '')).lower(),
               str(a.get('product_id', '')).lower())
              for a in aliases if a.get('name') in nvme_alias_names}
    if not pci_known or not wanted:
        return None
    pools = host.get('pci_devices', host.get('pci_pools', []))
    return sum(pool['count'] for pool in pools
               if (pool['vendor_id'].lower(),
                   pool['product_id'].lower()) in wanted)


def find_group(data, name_or_id):
    """The snapshot's server group of this ID or name, or LookupError."""
    groups = data.get('server_groups', [])
    found = [g for g in groups if g['id'] == name_or_id] or [
        g for g in groups if g['name'] == name_or_id]
    if len(found) == 1:
        return found[0]
    if found:
        raise LookupError('the snapshot has several server groups named %r '
                          '(%s); name one by ID' % (
                              name_or_id, ', '.join(g['id'] for g in found)))
    names = ', '.join(sorted(g['name'] or g['id'] for g in groups))
    raise LookupError('the snapshot has no server group %r (%s)' % (
        name_or_id, 'it has: %s' % names if names else 'it has none'))


def member_hosts(group):
    """{host: nodes of the group on it} of a snapshot's server group."""
    counts = {}
    for member in group.get('members', []):
        if member.get('host'):
            counts[member['host']] = counts.get(member['host'], 0) + 1
    return counts


def domains_of_hosts(data, key=rack_spread.AZ_KEY,
                     default_zone=rack_spread.DEFAULT_ZONE):
    """{host name: rack_spread.Domain} of the snapshot's hosts."""
    members = {}
    for agg in data.get('aggregates', []):
        for name in agg.get('hosts', []):
            members.setdefault(name, []).append(
                (agg['name'], agg.get('metadata', {})))
    return {host['host']: rack_spread.domain_of(
        members.get(host['host'], []), key, default_zone)
        for host in data['hosts']}

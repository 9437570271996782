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
                                "count": 2}]}],
      "flavors": [{"name": "aerospike.local",
                   "extra_specs": {"aerospike:storage": "local"}}]
    }

``flavors`` (used by ``doctor``) lists flavors with their extra specs;
``disabled`` and ``down`` report the nova-compute service's state;
``pci_aliases`` entries are ``[pci] alias`` entries of nova.conf;
``pci_pools`` are the compute node's PCI device pools as nova stores them
(extra keys become pool tags). Pure Python; no nova import.
"""

import json

SAMPLE = 'sample-snapshot.json'


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
    aliases = data.get('pci_aliases', [])
    _expect(isinstance(aliases, list) and all(
        isinstance(a, dict) and isinstance(a.get('name'), str)
        for a in aliases),
        "'pci_aliases' must be a list of objects with a 'name'")


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_host(where, host):
    """Check one entry of ``hosts``; return its name."""
    _expect(isinstance(host, dict), '%s must be an object', where)
    name = host.get('host')
    _expect(isinstance(name, str) and name.strip(),
            "%s needs a 'host' name", where)
    _expect(_is_count(host.get('free_ram_mb', 0)),
            '%s.free_ram_mb must be an integer', where)
    for key in ('disabled', 'down'):
        _expect(isinstance(host.get(key, False), bool),
                '%s.%s must be true or false', where, key)
    pools = host.get('pci_pools', [])
    _expect(isinstance(pools, list), '%s.pci_pools must be a list', where)
    for j, pool in enumerate(pools):
        _check_pool('%s.pci_pools[%d]' % (where, j), pool)
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

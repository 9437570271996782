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

"""Host facts: what aggregate metadata and configuration say of a host.

A host's ephemeral backend comes from the metadata of the aggregates it is
in (key ``ephemeral_backend`` by default); when none of them says, from the
static ``host_backends`` map. Aggregates that disagree make the backend a
*conflict*. Pure Python; no nova import: aggregates are passed in as
``(name, metadata)`` pairs.
"""

import collections

from aerospike_filters import storage

#: Default aggregate metadata key naming a host's ephemeral backend (the
#: ``ephemeral_backend_key`` option).
DEFAULT_BACKEND_KEY = 'ephemeral_backend'
#: Aggregate metadata key that reserves hosts for Aerospike flavors.
DEDICATED_KEY = 'aerospike_dedicated'
#: Aggregate metadata key that overrides the weigher multiplier.
WEIGHT_MULTIPLIER_KEY = 'aerospike_storage_weight_multiplier'

_TRUE = frozenset(('1', 't', 'true', 'on', 'y', 'yes'))

HostFacts = collections.namedtuple(
    'HostFacts', 'backend value source conflict dedicated')
HostFacts.__doc__ = """What is known of a host's storage.

``backend``: the classified :class:`storage.Backend`, or None when the
value is missing, unrecognised or conflicting. ``value``: the published
value as found (None when nobody says). ``source``: where it was found,
for reasons (``aggregate 'x'``, ``host_backends``). ``conflict``: a tuple
of ``(aggregate name, value)`` pairs that disagree, else empty.
``dedicated``: the host is reserved for Aerospike flavors.
"""


def is_true(value):
    """Whether an aggregate metadata value means true (as nova reads it)."""
    return isinstance(value, str) and value.strip().lower() in _TRUE


def facts_from_aggregates(aggregates, backend_key, fallback=None):
    """Combine the metadata of a host's aggregates into HostFacts.

    :param aggregates: iterable of ``(aggregate name, metadata)`` pairs.
    :param backend_key: the metadata key naming the ephemeral backend.
    :param fallback: ``(value, source)`` used when no aggregate names a
        backend (from ``host_backends``), or None.
    """
    found = []
    dedicated = False
    for name, metadata in aggregates:
        value = metadata.get(backend_key)
        if value is not None:
            found.append((name, value))
        if not dedicated and is_true(metadata.get(DEDICATED_KEY)):
            dedicated = True
    if not found:
        if fallback is None:
            return HostFacts(None, None, None, (), dedicated)
        value, source = fallback
        return HostFacts(storage.backend_for(value), value, source, (),
                         dedicated)
    name, value = found[0]
    identity = _identity(value)
    if any(_identity(other) != identity for _, other in found[1:]):
        return HostFacts(None, None, None, tuple(found), dedicated)
    return HostFacts(storage.backend_for(value), value,
                     "aggregate '%s'" % name, (), dedicated)


def _identity(value):
    """What two backend values must share to agree (flat == raw)."""
    backend = storage.backend_for(value)
    if backend is not None:
        return backend.name
    return '?' + (value.strip().lower() if isinstance(value, str)
                  else repr(value))


def conflicting_pairs(conflict):
    """The disagreeing pairs of a conflict, each two (name, value) pairs."""
    return [(first, second)
            for i, first in enumerate(conflict)
            for second in conflict[i + 1:]
            if _identity(first[1]) != _identity(second[1])]

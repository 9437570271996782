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

"""The request contract: what a flavor's extra specs ask of storage.

Only flavor extra specs (set by admins) are read; tenant-controlled inputs
such as image properties and scheduler hints never reach this module.
Pure Python; no nova import.
"""

import collections

from aerospike_filters import storage

#: Namespace of this plugin's flavor extra specs.
NAMESPACE = 'aerospike'
#: The extra spec that tags a flavor as Aerospike and names its tiers.
STORAGE_SPEC = NAMESPACE + ':storage'
#: Every extra spec this plugin defines.
KNOWN_SPECS = (STORAGE_SPEC,)

VALUE_HELP = ("'%s' (any tier) or a comma-separated subset of %s"
              % (storage.LOCAL, ', '.join(storage.TIERS)))


class InvalidStorageValue(ValueError):
    """An ``aerospike:storage`` value that names no valid tier set."""


StorageRequest = collections.namedtuple(
    'StorageRequest', 'tagged tiers value error')
StorageRequest.__doc__ = """What a request asks of storage.

``tagged``: the flavor carries ``aerospike:storage``. ``tiers``: the
accepted tiers (a frozenset, empty when untagged or invalid). ``value``:
the raw extra spec value. ``error``: why the value is invalid, else None;
an invalid tagged request is placed nowhere (fail closed).
"""

UNTAGGED = StorageRequest(False, frozenset(), None, None)


def parse_tiers(value):
    """Return the frozenset of tiers an ``aerospike:storage`` value names.

    ``local`` means every tier; otherwise a comma-separated subset of the
    tiers. Case-insensitive, white space tolerated, duplicates harmless.

    :raises InvalidStorageValue: with a message naming the value and the
        accepted forms.
    """
    if not isinstance(value, str):
        raise InvalidStorageValue(
            "%s must be a string, not %s; use %s"
            % (STORAGE_SPEC, type(value).__name__, VALUE_HELP))
    words = [word.strip().lower() for word in value.split(',')]
    if set(words) == {storage.LOCAL}:
        return frozenset(storage.TIERS)
    unknown = [w for w in words if w not in storage.TIERS]
    if unknown:
        shown = ', '.join(repr(w) for w in unknown)
        raise InvalidStorageValue(
            "%s=%r is invalid (%s not accepted); use %s"
            % (STORAGE_SPEC, value, shown, VALUE_HELP))
    return frozenset(words)


def parse_request(extra_specs):
    """Read the storage request out of a flavor's extra specs mapping."""
    if not extra_specs or STORAGE_SPEC not in extra_specs:
        return UNTAGGED
    value = extra_specs[STORAGE_SPEC]
    try:
        return StorageRequest(True, parse_tiers(value), value, None)
    except InvalidStorageValue as exc:
        return StorageRequest(True, frozenset(), value, str(exc))


def is_tagged(extra_specs):
    """Whether the extra specs tag the flavor as Aerospike.

    Deliberately trivial: used on the error path, where nothing else about
    the request may be trusted.
    """
    try:
        return STORAGE_SPEC in extra_specs
    except Exception:
        return False

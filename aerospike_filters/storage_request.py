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

"""The flavor contract: what a flavor's extra specs ask of storage.

* A flavor is *tagged* when it has any ``aerospike:*`` extra spec.
* ``aerospike:storage`` is ``local`` or a comma-separated subset of
  ``nvme``, ``lvm``, ``raw``.
* The nvme tier exists only for a flavor that requests NVMe devices through
  ``pci_passthrough:alias`` with an alias of ``nvme_pci_aliases``; without
  such a request NVMe counts for nothing. So ``local`` is lvm or raw, plus
  nvme when devices are requested, and ``nvme`` alone without a request is
  invalid.
* Any other ``aerospike:*`` key, an invalid value or a malformed
  ``pci_passthrough:alias`` makes a tagged flavor invalid: no host, and the
  error names the fix.
* A tagged request that boots from a volume gets a host only when the
  guest still has a local disk for its data: an ephemeral disk in the
  flavor or NVMe devices (:func:`no_local_disk`).

Only flavor extra specs (set by admins) are read; tenant-controlled inputs
such as image properties and scheduler hints never reach this module.
Pure Python; no nova import.
"""

import collections
import difflib
import shlex

from aerospike_filters import storage

#: Namespace of this plugin's flavor extra specs.
NAMESPACE = 'aerospike'
#: The extra spec that tags a flavor as Aerospike and names its tiers.
STORAGE_SPEC = NAMESPACE + ':storage'
#: Every extra spec this plugin defines.
KNOWN_SPECS = (STORAGE_SPEC,)
#: nova's extra spec requesting PCI devices by ``[pci] alias`` name.
PCI_ALIAS_SPEC = 'pci_passthrough:alias'
#: Default of the ``nvme_pci_aliases`` option.
DEFAULT_NVME_ALIASES = ('nvme',)
#: From this compute API microversion on, nova-api validates extra specs
#: (with this plugin's validators, where installed); the ``openstack``
#: client's default microversion is older and validates nothing.
VALIDATING_MICROVERSION = '2.86'

VALUE_HELP = ("'%s' (lvm or raw, plus nvme when the flavor requests NVMe "
              "devices) or a comma-separated subset of %s"
              % (storage.LOCAL, ', '.join(storage.TIERS)))


class InvalidStorageValue(ValueError):
    """An ``aerospike:storage`` value that names no valid tier set."""


class InvalidAliasRequest(ValueError):
    """A ``pci_passthrough:alias`` value nova cannot read."""


Change = collections.namedtuple('Change', 'key value')
Change.__doc__ = """One extra spec change that repairs a flavor: set ``key``
to ``value``, or unset ``key`` when ``value`` is None."""

StorageRequest = collections.namedtuple(
    'StorageRequest', 'tagged tiers requested nvme_devices value error fix')
StorageRequest.__doc__ = """What a flavor asks of storage.

``tagged``: the flavor has an ``aerospike:*`` extra spec. ``tiers``: the
effective tiers (a frozenset; empty when untagged or invalid).
``requested``: the tiers ``aerospike:storage`` names. ``nvme_devices``:
NVMe devices requested through ``pci_passthrough:alias`` (0 when none).
``value``: the raw ``aerospike:storage`` value. ``error``: why the flavor
is invalid, else None; an invalid tagged flavor is placed nowhere (fail
closed). ``fix``: the :class:`Change` list that repairs it.
"""

UNTAGGED = StorageRequest(False, frozenset(), frozenset(), 0, None, None, ())


def parse_tiers(value):
    """Return the frozenset of tiers an ``aerospike:storage`` value names.

    ``local`` names every tier (the nvme tier then counts only with NVMe
    devices requested); otherwise a comma-separated subset of the tiers.
    Case-insensitive, white space tolerated, duplicates harmless.

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
    if storage.LOCAL in words:
        raise InvalidStorageValue(
            "%s=%r is invalid: '%s' stands alone (it already means lvm and "
            "raw, plus nvme when NVMe devices are requested); use %s"
            % (STORAGE_SPEC, value, storage.LOCAL, VALUE_HELP))
    unknown = [w for w in words if w not in storage.TIERS]
    if unknown:
        shown = ', '.join(repr(w) for w in unknown)
        raise InvalidStorageValue(
            "%s=%r is invalid (%s not accepted); use %s"
            % (STORAGE_SPEC, value, shown, VALUE_HELP))
    return frozenset(words)


def alias_requests(value):
    """``pci_passthrough:alias`` as a list of (alias name, count) pairs.

    nova's form: ``<alias>:<count>[,<alias>:<count>...]``.

    :raises InvalidAliasRequest: naming the spec and the fault.
    """
    if not isinstance(value, str):
        raise InvalidAliasRequest('%s must be a string, e.g. nvme:1'
                                  % PCI_ALIAS_SPEC)
    pairs = []
    for part in value.split(','):
        name, sep, count = part.strip().partition(':')
        try:
            number = int(count)
        except ValueError:
            number = 0
        if not name.strip() or not sep or number < 1:
            raise InvalidAliasRequest(
                '%s=%r is invalid: %r is not <alias>:<count> with a count '
                'of 1 or more, e.g. nvme:1' % (PCI_ALIAS_SPEC, value,
                                               part.strip()))
        pairs.append((name.strip(), number))
    return pairs


def nvme_devices_requested(extra_specs, nvme_aliases=DEFAULT_NVME_ALIASES):
    """NVMe devices a flavor requests through ``pci_passthrough:alias``.

    :raises InvalidAliasRequest: when the spec is malformed.
    """
    if PCI_ALIAS_SPEC not in extra_specs:
        return 0
    return sum(count for name, count in
               alias_requests(extra_specs[PCI_ALIAS_SPEC])
               if name in nvme_aliases)


def tier_value(tiers):
    """The ``aerospike:storage`` value naming ``tiers``, best first."""
    if tiers == frozenset(storage.TIERS):
        return storage.LOCAL
    return ','.join(t for t in storage.TIERS if t in tiers)


def _invalid(value, error, *fix):
    return StorageRequest(True, frozenset(), frozenset(), 0, value, error,
                          tuple(fix))


def parse_request(extra_specs, nvme_aliases=DEFAULT_NVME_ALIASES):
    """Read the storage request out of a flavor's extra specs mapping.

    :param nvme_aliases: the ``[pci] alias`` names that denote NVMe drives
        (the ``nvme_pci_aliases`` option).
    :returns: a :class:`StorageRequest`; an invalid one names its first
        fault, and its ``fix`` repairs every fault at once.
    """
    parsed = _parse(extra_specs, nvme_aliases)
    if parsed.error is None:
        return parsed
    changes = {}
    fixed = dict(extra_specs)
    attempt = parsed
    # Each fix removes one fault; a flavor has at most one of each kind.
    for _ in range(4):
        for change in attempt.fix:
            changes[change.key] = change
            if change.value is None:
                fixed.pop(change.key, None)
            else:
                fixed[change.key] = change.value
        attempt = _parse(fixed, nvme_aliases)
        if attempt.error is None:
            break
    return parsed._replace(fix=tuple(changes.values()))


def _parse(extra_specs, nvme_aliases):
    """The request, or the first fault and its own fix."""
    if not extra_specs:
        return UNTAGGED
    ours = sorted(key for key in extra_specs
                  if isinstance(key, str) and
                  key.startswith(NAMESPACE + ':'))
    if not ours:
        return UNTAGGED
    value = extra_specs.get(STORAGE_SPEC)
    unknown = [key for key in ours if key not in KNOWN_SPECS]
    if unknown:
        return _unknown_keys(extra_specs, unknown, value)
    try:
        requested = parse_tiers(value)
    except InvalidStorageValue as exc:
        return _invalid(value, str(exc), Change(STORAGE_SPEC, storage.LOCAL))
    alias = sorted(nvme_aliases)[0] if nvme_aliases else 'nvme'
    try:
        devices = nvme_devices_requested(extra_specs, nvme_aliases)
    except InvalidAliasRequest as exc:
        # nova could not read it either; without it the flavor is valid,
        # or asks for its NVMe device in the next round.
        return _invalid(value, str(exc), Change(PCI_ALIAS_SPEC, None))
    tiers = requested if devices else requested - {storage.NVME}
    if not tiers:
        # Keep the flavor's other PCI requests; add one NVMe device.
        others = extra_specs.get(PCI_ALIAS_SPEC)
        wanted = '%s:1' % alias
        return _invalid(
            value, '%s=%s requests no NVMe device: the nvme tier needs %s '
            'with an alias of nvme_pci_aliases (%s)'
            % (STORAGE_SPEC, value, PCI_ALIAS_SPEC,
               ', '.join(sorted(nvme_aliases)) or 'none configured'),
            Change(PCI_ALIAS_SPEC,
                   '%s,%s' % (others, wanted) if others else wanted)
        )._replace(requested=requested)
    return StorageRequest(True, frozenset(tiers), requested, devices,
                          value, None, ())


def _unknown_keys(extra_specs, unknown, value):
    """The invalid request of a flavor with unknown ``aerospike:*`` keys.

    The fix removes them; when ``aerospike:storage`` itself is missing, it
    sets it, to the misspelt key's value when that value is valid.
    """
    fix = [Change(key, None) for key in unknown]
    if value is None:
        guess = storage.LOCAL
        for key in unknown:
            try:
                guess = tier_value(parse_tiers(extra_specs[key]))
                break
            except InvalidStorageValue:
                continue
        fix.insert(0, Change(STORAGE_SPEC, guess))
    return _invalid(value, unknown_keys_message(unknown), *fix)


def unknown_keys_message(keys):
    """What is wrong with unknown ``aerospike:*`` keys, the near-miss named.

    Shared by the scheduler's log line, doctor and nova-api's validator.
    """
    near = [difflib.get_close_matches(key, KNOWN_SPECS, 1, 0.6)
            for key in keys]
    said = ', '.join('%s (did you mean %s?)' % (key, match[0])
                     if match else key for key, match in zip(keys, near))
    return 'unknown extra spec %s (the only %s:* extra spec is %s)' % (
        said, NAMESPACE, ', '.join(KNOWN_SPECS))


def fix_command(flavor, changes):
    """The ``openstack`` command line that applies ``changes`` to a flavor.

    Extra specs are set at :data:`VALIDATING_MICROVERSION`, so nova-api
    checks them; several commands are joined with ``&&``.
    """
    name = shlex.quote(flavor)
    sets = ' '.join('--property %s' % shlex.quote('%s=%s' % change)
                    for change in changes if change.value is not None)
    unsets = ' '.join('--property %s' % shlex.quote(change.key)
                      for change in changes if change.value is None)
    commands = []
    if sets:
        commands.append('openstack --os-compute-api-version %s flavor set '
                        '%s %s' % (VALIDATING_MICROVERSION, sets, name))
    if unsets:
        commands.append('openstack flavor unset %s %s' % (unsets, name))
    return ' && '.join(commands)


#: How a tagged request that would have no local disk gets one.
LOCAL_DISK_FIX = (
    'create a flavor with an ephemeral disk (aerospike-filters flavor '
    'create <name> --storage <tiers> ... --ephemeral <GiB>; an existing '
    "flavor's ephemeral size cannot change) and boot with it (resize an "
    'existing server to it), request NVMe devices (%s=nvme:<count>), or '
    'boot from an image' % PCI_ALIAS_SPEC)


def no_local_disk(request, boot_from_volume, ephemeral_gb):
    """Why a tagged request would give its guest no local disk, else None.

    Booted from a volume, the root disk is network storage; the guest's
    data can be local only on the flavor's ephemeral disk or on NVMe
    devices. Untagged and invalid requests are not this rule's business.
    """
    if (not boot_from_volume or not request.tagged or request.error or
            ephemeral_gb or request.nvme_devices):
        return None
    return ('boots from a volume with no ephemeral disk and no NVMe device: '
            'the guest would have no local disk, its data would live on '
            'network storage')


def is_tagged(extra_specs):
    """Whether the extra specs tag the flavor as Aerospike.

    Deliberately trivial: used on the error path, where nothing else about
    the request may be trusted.
    """
    try:
        return any(isinstance(key, str) and key.startswith(NAMESPACE + ':')
                   for key in extra_specs)
    except Exception:
        return False

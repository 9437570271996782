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

"""The ``[aerospike_filters]`` options, and the one reader of their values.

Registered on oslo.config's global ``CONF``, which is nova's, so the
options live in nova.conf next to ``[filter_scheduler]``.
:func:`list_opts` feeds ``oslo-config-generator`` and the Sphinx
configuration reference; :func:`read_settings` is how the filter, the
weigher and every tool read them. No nova import.
"""

import collections
import json
import os
import re

from oslo_config import cfg
from oslo_config import types

from aerospike_filters import host_facts
from aerospike_filters import rack_spread
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
        default=host_facts.DEFAULT_BACKEND_KEY,
        help="""
Host aggregate metadata key that names the ephemeral storage backend of the
aggregate's hosts, e.g. ``ephemeral_backend=lvm``.

Only lvm and raw (flat) are suitable for Aerospike; every other value,
recognised or not, makes the aggregate's hosts unsuitable.

Possible values:

* Any non-empty metadata key. Its values follow libvirt's ``[libvirt]
  images_type`` (lvm, raw, flat, qcow2, ploop, rbd) plus nfs, iscsi, cephfs,
  glusterfs, cifs, nbd, vmdk, vdi, vhd, vhdx, vvfat and raw_cow.

Related options:

* ``host_backends``: the fallback for hosts no aggregate describes.
"""),
    cfg.Opt(
        'host_backends',
        type=types.Dict(value_type=_backend_type),
        default={},
        help="""
Fallback ephemeral backend per compute host, used only for hosts none of
whose aggregates carries the ``ephemeral_backend_key`` metadata.

Possible values:

* A comma-separated list of ``host:backend`` pairs, e.g.
  ``compute1:lvm,compute2:qcow2``; the backend names are those of
  ``ephemeral_backend_key``.

Related options:

* ``ephemeral_backend_key``
"""),
    cfg.ListOpt(
        'nvme_pci_aliases',
        default=['nvme'],
        help="""
Names of ``[pci] alias`` entries that denote NVMe drives for passthrough.

A flavor asking for the ``nvme`` tier needs as many free matching devices as
its ``pci_passthrough:alias`` requests through these aliases, else one.

Possible values:

* A comma-separated list of alias names defined in ``[pci] alias``.

Related options:

* ``[pci] alias``, ``[pci] device_spec``
"""),
    cfg.BoolOpt(
        'allow_nvme_on_unsuitable_backend',
        default=False,
        help="""
Let requests that accept the ``nvme`` tier use a host with enough free NVMe
passthrough devices even when its ephemeral backend is known to be
unsuitable (qcow2, rbd, nfs...).

Off by default: the root and ephemeral disks of such a guest would still sit
on slow storage.

Related options:

* ``nvme_pci_aliases``
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
        default=40.0,
        help="""
Multiplier of the AerospikeStorageWeigher, which prefers nvme over lvm over
raw hosts for tagged flavors (ties broken by more free NVMe devices).

nova sums every weigher's normalised weight (0 to 1) times its multiplier.
This weigher's tiers are a quarter apart (nvme 0.875 and up, lvm 0.5, raw
0.25), so its preference holds when a quarter of this multiplier exceeds
the sum of the other weighers' multipliers that may differ between two
hosts. nova's defaults sum to 9 (RAM, CPU, disk, I/O ops, PCI, hypervisor
version, metrics, soft affinity and soft anti-affinity, 1 each): 40 gives
10. The build failure and cross-cell weighers (1000000) still win, as they
should. ``aerospike-filters doctor`` checks the sum for your nova.conf.

Possible values:

* A positive number prefers the faster tier; 0 disables the preference; a
  negative number prefers the slower tier. Below 4 times the sum of the
  other multipliers, nova's other weighers may outweigh the tiers.

Related options:

* Aggregate metadata ``aerospike_storage_weight_multiplier`` overrides it
  for the aggregate's hosts.
* The ``*_weight_multiplier`` options of ``[filter_scheduler]``.
"""),
    cfg.StrOpt(
        'failure_domain_key',
        default=rack_spread.AZ_KEY,
        help="""
Host aggregate metadata key that names a host's failure domain (its rack),
over which the AerospikeRackWeigher and AerospikeRackFilter spread the
Aerospike nodes of one server group.

With the default, ``availability_zone``, the domains are nova's
availability zones (a host in no zone is in ``[DEFAULT]
default_availability_zone``). Any other key, e.g. ``rack``, makes the
domains admin-defined racks: ``openstack aggregate set --property
rack=r1 rack-r1``. A host needs one value: a host in two aggregates with
different values, or a value that is empty, has no domain, as has a host
no aggregate gives one.

Possible values:

* Any non-empty metadata key.

Related options:

* ``rack_weight_multiplier``
"""),
    cfg.FloatOpt(
        'rack_weight_multiplier',
        default=100.0,
        help="""
Multiplier of the AerospikeRackWeigher, which, for tagged flavors booted
into an ``anti-affinity`` or ``soft-anti-affinity`` server group, prefers
hosts in the failure domain holding the fewest nodes of the group, then
the hosts with the fewest nodes inside it.

nova sums every weigher's normalised weight (0 to 1) times its multiplier.
A host of a least-used domain weighs at least 0.75, any other host at
most 0.25, so the spread holds when half this multiplier exceeds the sum
of the other multipliers times the spread of their weights: the
AerospikeStorageWeigher's tiers (0.75 of ``storage_weight_multiplier``,
30 by default) and nova's weighers (9 by default) make 39; 100 gives 50.

Possible values:

* A positive number spreads the group over the domains; 0 disables the
  preference (the AerospikeRackFilter still applies where enabled and
  asked for).

Related options:

* ``failure_domain_key``, ``storage_weight_multiplier``
"""),
]

Settings = collections.namedtuple('Settings', [
    opt.dest for opt in aerospike_opts])
Settings.__doc__ = """The ``[aerospike_filters]`` options, checked.

Fields are named after the options; ``ephemeral_backend_key`` is stripped,
``host_backends`` is a dict and ``nvme_pci_aliases`` a frozenset of names.
"""


class ConfigError(ValueError):
    """An ``[aerospike_filters]`` option has an unusable value."""


_LOCATION = re.compile(r"from LocationInfo\(location=<[^>]*>, "
                       r"detail='([^']*)'\)")


def ini_error(exc):
    """Where and why a file is not INI: file, line number and message.

    Never the line itself, which oslo.config's text repeats: the line that
    does not parse may be ``password S3cret`` with its ``=`` missing.
    ``exc`` is a :class:`cfg.ParseError` or a
    :class:`cfg.ConfigFileParseError` (whose text is the former's).
    """
    if isinstance(exc, cfg.ConfigFileParseError):
        try:
            cfg.ConfigParser(exc.config_file, {}).parse()
        except cfg.ParseError as again:
            exc = again
        except OSError:
            pass
        if not isinstance(exc, cfg.ParseError):
            return '%s: not an INI file; correct it' % exc.config_file
    return '%s: line %d: %s; correct that line' % (
        exc.filename, exc.lineno, exc.msg)


def plain_error(exc):
    """oslo.config's error in one line, without its Python reprs.

    A parse error names the file and line only (:func:`ini_error`).
    """
    if isinstance(exc, (cfg.ConfigFileParseError, cfg.ParseError)):
        return ini_error(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else (
        exc.__class__.__name__)
    if isinstance(exc, cfg.ConfigFilesNotFoundError):
        return ('--config-file %s: no such file; pass the scheduler\'s '
                'nova.conf' % ', '.join(exc.config_files))
    return _LOCATION.sub(lambda m: 'in %s' % m.group(1), text).replace(
        'from LocationInfo', 'in')


def invalid_value(exc):
    """The ConfigError for a bad ``[aerospike_filters]`` value."""
    return ConfigError('[%s] has an invalid option value: %s; correct it '
                       '(etc/aerospike-filters.conf.sample lists the values)'
                       % (GROUP, plain_error(exc)))


def check_files(paths):
    """Refuse, naming it, a --config-file that is no readable file.

    :raises ConfigError: for a missing file, a directory, an unreadable
        file.
    """
    for path in paths or ():
        if os.path.isdir(path):
            raise ConfigError('--config-file %s is a directory; name the '
                              'nova.conf file in it (e.g. %s)'
                              % (path, os.path.join(path, 'nova.conf')))
        if not os.path.exists(path):
            raise ConfigError('--config-file %s: no such file; pass the '
                              "scheduler's nova.conf" % path)
        if not os.access(path, os.R_OK):
            raise ConfigError('--config-file %s: cannot read it; run as a '
                              'user who can (e.g. with sudo)' % path)


def load_files(config, paths):
    """Parse nova.conf files into ``config``, or ConfigError in one line."""
    check_files(paths)
    args = []
    for path in paths or ():
        args += ['--config-file', path]
    try:
        config(args, project='nova', default_config_files=[],
               default_config_dirs=[])
    except (cfg.Error, OSError) as exc:
        raise ConfigError(plain_error(exc)) from None
    return config


def register_opts(conf):
    """Register this plugin's options on ``conf``."""
    # A group of its own per ConfigOpts: oslo.config copies a registered
    # OptGroup shallowly, so one shared group would share its overrides
    # (a set_override on the global CONF would show in every file read).
    conf.register_group(cfg.OptGroup(GROUP, title=aerospike_group.title,
                                     help=aerospike_group.help))
    conf.register_opts(aerospike_opts, group=GROUP)


def describe(settings):
    """The effective options in one line, for the start-up log."""
    return ', '.join([
        'ephemeral_backend_key=%s' % settings.ephemeral_backend_key,
        'host_backends=%d host(s)' % len(settings.host_backends),
        'nvme_pci_aliases=%s' % ','.join(sorted(settings.nvme_pci_aliases)),
        'allow_nvme_on_unsuitable_backend=%s'
        % settings.allow_nvme_on_unsuitable_backend,
        'isolate_dedicated_hosts=%s' % settings.isolate_dedicated_hosts,
        'storage_weight_multiplier=%s' % settings.storage_weight_multiplier,
        'failure_domain_key=%s' % settings.failure_domain_key,
        'rack_weight_multiplier=%s' % settings.rack_weight_multiplier,
    ])


def list_opts():
    """Options for oslo-config-generator and the Sphinx reference."""
    return [(aerospike_group, aerospike_opts)]


def read_settings(config=None):
    """The options of ``config`` (default: the global CONF), checked.

    :raises ConfigError: naming the group and the option; oslo.config
        checks values when they are read, so a bad value in nova.conf is
        found here.
    """
    group = (config or CONF)[GROUP]
    try:
        values = {opt.dest: group[opt.dest] for opt in aerospike_opts}
    except (cfg.Error, ValueError) as exc:
        raise invalid_value(exc) from None
    key = (values['ephemeral_backend_key'] or '').strip()
    if not key:
        raise ConfigError('[%s] ephemeral_backend_key must not be empty'
                          % GROUP)
    values['ephemeral_backend_key'] = key
    domain_key = (values['failure_domain_key'] or '').strip()
    if not domain_key:
        raise ConfigError('[%s] failure_domain_key must not be empty; unset '
                          'it for availability zones' % GROUP)
    values['failure_domain_key'] = domain_key
    values['host_backends'] = dict(values['host_backends'] or {})
    values['nvme_pci_aliases'] = frozenset(
        name.strip() for name in values['nvme_pci_aliases'] or ()
        if name.strip())
    return Settings(**values)


def _files(paths):
    """A private ConfigOpts with this group and ``[pci] alias``, loaded."""
    config = cfg.ConfigOpts()
    register_opts(config)
    # nova's option, read as nova reads it: one JSON object per line.
    config.register_opts([cfg.MultiStrOpt('alias', default=[])],
                         group='pci')
    return load_files(config, paths)


def settings_from_files(paths):
    """The options as the files set them, without touching the global CONF.

    For tools that need the scheduler's ``[aerospike_filters]`` options
    but not nova (``sync``, ``flavor create``, ``trait publish``); no
    files means defaults.

    :raises ConfigError: naming the file or the option.
    """
    return read_settings(_files(paths))


def pci_aliases_from_files(paths, strict=True):
    """The ``[pci] alias`` entries of the files, as dicts.

    :param strict: refuse an entry that is not a JSON object; else skip
        it (doctor reports it as a finding).
    :raises ConfigError: naming an entry that is not a JSON object.
    """
    aliases = []
    for line in _files(paths).pci.alias:
        try:
            alias = json.loads(line)
        except ValueError as exc:
            alias = exc
        if isinstance(alias, dict):
            aliases.append(alias)
        elif strict:
            raise ConfigError(
                '[pci] alias %s is not a JSON object; write one JSON object '
                'per alias line, e.g. {"name": "nvme", "vendor_id": '
                '"144d", "product_id": "a80a", "device_type": "type-PCI"}'
                % line[:60])
    return aliases


CONF = cfg.CONF
register_opts(CONF)

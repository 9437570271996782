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

"""``aerospike-filters flavor create``: a consistent Aerospike flavor."""

from cliff import lister
from cliff import show
from osc_lib.cli import format_columns

from aerospike_filters.client import flavors
from aerospike_filters.client import http
from aerospike_filters.client import resource_providers
from aerospike_filters.cmd import base
from aerospike_filters.doctor import disk_checks
from aerospike_filters import flavor_repair
from aerospike_filters import storage
from aerospike_filters import storage_request
from aerospike_filters import trait_contract


def aerospike_extra_specs(tiers_text, nvme_devices=None, nvme_alias='nvme',
                          nvme_aliases=storage_request.DEFAULT_NVME_ALIASES):
    """The extra specs of an Aerospike flavor, or CommandError.

    A PCI request (``pci_passthrough:alias``) is made only when asked for
    with ``nvme_devices``, and only for a flavor that accepts nvme. A flavor
    naming nvme without devices is refused (the nvme tier would count for
    nothing), except ``local``, which is lvm or raw without devices.
    """
    try:
        tiers = storage_request.parse_tiers(tiers_text)
    except storage_request.InvalidStorageValue as exc:
        raise base.CommandError('--storage: %s' % exc) from None
    specs = {storage_request.STORAGE_SPEC: storage_request.tier_value(tiers)}
    if nvme_devices is not None:
        if storage.NVME not in tiers:
            raise base.CommandError(
                '--nvme-devices needs a --storage that accepts nvme (e.g. '
                '"nvme" or "local"); %r does not' % tiers_text)
        if nvme_devices < 1:
            raise base.CommandError('--nvme-devices must be 1 or more')
        if nvme_alias not in nvme_aliases:
            raise base.CommandError(
                '--nvme-alias %s is not one of the scheduler\'s '
                'nvme_pci_aliases (%s): the nvme tier would count for '
                'nothing; pass the scheduler\'s nova.conf with --config-file'
                % (nvme_alias, ', '.join(sorted(nvme_aliases))))
        specs[storage_request.PCI_ALIAS_SPEC] = '%s:%d' % (
            nvme_alias, nvme_devices)
    elif storage.NVME in tiers and specs[storage_request.STORAGE_SPEC] != \
            storage.LOCAL:
        without = storage_request.tier_value(tiers - {storage.NVME})
        raise base.CommandError(
            '--storage %s accepts nvme, which counts only with NVMe devices '
            'passed through: add --nvme-devices <count>%s'
            % (tiers_text, ', or use --storage %s' % without if without
               else ''))
    parsed = storage_request.parse_request(specs, nvme_aliases)
    if parsed.error:  # the contract refuses what the checks above let by
        raise base.CommandError(parsed.error)
    return specs


def no_host_carries(trait):
    return ('no compute node carries %s yet, so no server of this flavor '
            'could boot: publish host traits first (aerospike-filters trait '
            'publish)' % trait)


class CreateFlavor(base.CommandBase, show.ShowOne):
    """Create a flavor tagged for Aerospike, with consistent extra specs.

    The flavor requires the trait of its accepted tiers (one of the
    CUSTOM_AEROSPIKE_STORAGE traits), so placement offers the scheduler
    only hosts that can take it; publish host traits first (trait
    publish).
    Extra specs are set at compute API microversion 2.86, where nova-api
    validates them.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<flavor-name>',
                            help='name of the new flavor')
        parser.add_argument('--storage', metavar='<tiers>', required=True,
                            help="tiers: 'local' or a comma-separated subset "
                                 'of nvme, lvm, raw')
        parser.add_argument('--vcpus', metavar='<vcpus>', type=int,
                            required=True, help='number of vCPUs')
        parser.add_argument('--ram', metavar='<size-mb>', type=int,
                            required=True, help='memory in MiB')
        parser.add_argument('--disk', metavar='<size-gb>', type=int,
                            default=0, help='root disk in GiB (default 0)')
        parser.add_argument('--ephemeral', metavar='<size-gb>', type=int,
                            default=0,
                            help='ephemeral disk in GiB (default 0)')
        parser.add_argument('--nvme-devices', metavar='<count>', type=int,
                            default=None,
                            help='NVMe drives passed through to each guest '
                                 '(pci_passthrough:alias); required for '
                                 'nvme, optional for local, none without')
        parser.add_argument('--nvme-alias', metavar='<alias>',
                            default='nvme',
                            help='[pci] alias of the NVMe drives (default '
                                 'nvme)')
        parser.add_argument('--id', metavar='<id>', dest='flavor_id',
                            default=None,
                            help='flavor ID (default: generated)')
        parser.add_argument('--private', action='store_true',
                            help='not public')
        parser.add_argument('--no-trait', action='store_true',
                            help='require no trait: the filter alone picks '
                                 'among the candidates placement returns, '
                                 'which misses suitable hosts in clouds '
                                 'larger than [scheduler] '
                                 'max_placement_results')
        base.add_cloud_argument(parser)
        base.add_config_file_argument(parser)
        return parser

    def take_action(self, args):
        settings = base.settings_from_files(args.config_file)
        specs = aerospike_extra_specs(args.storage, args.nvme_devices,
                                      args.nvme_alias,
                                      settings.nvme_pci_aliases)
        for option in ('vcpus', 'ram'):
            if getattr(args, option) < 1:
                raise base.CommandError('--%s must be 1 or more' % option)
        if not args.no_trait:
            trait = trait_contract.flavor_trait(
                specs, settings.nvme_pci_aliases)
            specs[trait_contract.flavor_spec(trait)] = trait_contract.REQUIRED
        conn = base.connect(self, args.os_cloud)
        with base.cloud_errors('Creating flavor %s' % args.name):
            if flavors.find(conn, args.name):
                raise base.CommandError('a flavor named %r exists already'
                                        % args.name)
            if not args.no_trait and not resource_providers.count_carrying(
                    conn, trait):
                raise base.CommandError(no_host_carries(trait) + ', or '
                                        'create it with --no-trait')
            attrs = dict(name=args.name, vcpus=args.vcpus, ram=args.ram,
                         disk=args.disk, ephemeral=args.ephemeral,
                         is_public=not args.private)
            if args.flavor_id:
                attrs['id'] = args.flavor_id
            flavor = flavors.create(conn, **attrs)
            try:
                flavors.set_extra_specs(conn, flavor.id, specs)
            except Exception:
                # No half-made Aerospike flavor without its tag.
                flavors.delete(conn, flavor)
                raise
        self._warn_without_local_disk(flavor, specs, settings, args)
        return (('name', 'id', 'vcpus', 'ram', 'disk', 'ephemeral',
                 'extra_specs'),
                (flavor.name, flavor.id, flavor.vcpus, flavor.ram,
                 flavor.disk, flavor.ephemeral,
                 format_columns.DictColumn(specs)))

    def _warn_without_local_disk(self, flavor, specs, settings, args):
        """doctor's finding on a flavor whose guests get no local disk."""
        data = {'flavors': [{'name': flavor.name, 'extra_specs': specs,
                             'vcpus': flavor.vcpus, 'ram': flavor.ram,
                             'disk': flavor.disk,
                             'ephemeral': flavor.ephemeral}]}
        for finding in disk_checks.flavors_without_local_disk(
                data, settings, base.tool_args(self.app, args)):
            self.app.stderr.write('warning: %s %s: %s\n' % (
                finding.subject, finding.problem, finding.fix))


class RepairFlavors(base.CommandBase, lister.Lister):
    """Give tagged flavors the trait of their tiers, and no other.

    For each tagged flavor (or those named): adds trait:<TRAIT>=required
    for the trait its aerospike:storage (and NVMe request) call for, and
    removes every other trait of the CUSTOM_AEROSPIKE family; other extra
    specs are never touched. A flavor whose trait no compute node carries
    yet is left alone (publish host traits first, or --force); an invalid
    flavor is left alone (doctor names its fix). Run with --dry-run first.

    Exit status 1 when a flavor was left alone or could not be changed.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('flavors', metavar='<flavor>', nargs='*',
                            help='flavor name or ID (default: every tagged '
                                 'flavor)')
        parser.add_argument('--dry-run', action='store_true',
                            help='show the changes, make none')
        parser.add_argument('--force', action='store_true',
                            help='require a trait even when no compute node '
                                 'carries it yet')
        base.add_cloud_argument(parser)
        base.add_config_file_argument(parser)
        return parser

    def take_action(self, args):
        aliases = base.settings_from_files(args.config_file).nvme_pci_aliases
        conn = base.connect(self, args.os_cloud)
        rows = []
        with base.cloud_errors('Repairing flavors'):
            for flavor in self._flavors(conn, args.flavors):
                rows.append(self._repair(conn, flavor, aliases, args))
        self.needs_attention = any(row[-1].startswith(('left alone',
                                                       'failed'))
                                   for row in rows)
        return ('Flavor', 'Trait', 'Set', 'Unset', 'Result'), rows

    @staticmethod
    def _flavors(conn, names):
        if not names:
            return [f for f in flavors.detailed(conn)
                    if storage_request.is_tagged(f.extra_specs or {})]
        found = []
        for name in names:
            flavor = flavors.find(conn, name)
            if flavor is None:
                raise base.CommandError('no flavor named or with ID %r'
                                        % name)
            found.append(flavor)
        return found

    def _repair(self, conn, flavor, aliases, args):
        specs = flavors.extra_specs(conn, flavor.id)
        repair = flavor_repair.plan_repair(specs, aliases)
        shown = (flavor.name, repair.trait or '',
                 format_columns.DictColumn(repair.set),
                 format_columns.ListColumn(repair.unset))
        if repair.error:
            return shown + ('left alone: invalid (%s); see aerospike-filters '
                            'doctor' % repair.error,)
        if not repair.trait:
            return shown + ('untagged',)
        if not repair.set and not repair.unset:
            return shown + ('unchanged',)
        if not args.force and not resource_providers.count_carrying(
                conn, repair.trait):
            return shown + ('left alone: ' + no_host_carries(repair.trait),)
        if args.dry_run:
            return shown + ('would change',)
        try:
            done = flavor_repair.apply_repair(conn, flavor.id, specs,
                                              aliases)
        except http.OperationError as exc:
            return shown + ('failed: %s' % exc,)
        return (flavor.name, done.trait, format_columns.DictColumn(done.set),
                format_columns.ListColumn(done.unset), 'changed')

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

from cliff import show
from osc_lib.cli import format_columns

from aerospike_filters import cli
from aerospike_filters import request as storage_request
from aerospike_filters import storage


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
        raise cli.CommandError('--storage: %s' % exc) from None
    specs = {storage_request.STORAGE_SPEC: storage_request.tier_value(tiers)}
    if nvme_devices is not None:
        if storage.NVME not in tiers:
            raise cli.CommandError(
                '--nvme-devices needs a --storage that accepts nvme (e.g. '
                '"nvme" or "local"); %r does not' % tiers_text)
        if nvme_devices < 1:
            raise cli.CommandError('--nvme-devices must be 1 or more')
        if nvme_alias not in nvme_aliases:
            raise cli.CommandError(
                '--nvme-alias %s is not one of the scheduler\'s '
                'nvme_pci_aliases (%s): the nvme tier would count for '
                'nothing; pass the scheduler\'s nova.conf with --config-file'
                % (nvme_alias, ', '.join(sorted(nvme_aliases))))
        specs[storage_request.PCI_ALIAS_SPEC] = '%s:%d' % (
            nvme_alias, nvme_devices)
    elif storage.NVME in tiers and specs[storage_request.STORAGE_SPEC] != \
            storage.LOCAL:
        without = storage_request.tier_value(tiers - {storage.NVME})
        raise cli.CommandError(
            '--storage %s accepts nvme, which counts only with NVMe devices '
            'passed through: add --nvme-devices <count>%s'
            % (tiers_text, ', or use --storage %s' % without if without
               else ''))
    parsed = storage_request.parse_request(specs, nvme_aliases)
    if parsed.error:  # the contract refuses what the checks above let by
        raise cli.CommandError(parsed.error)
    return specs


def set_validated_extra_specs(conn, flavor_id, specs):
    """Set extra specs at a microversion where nova-api validates them.

    openstacksdk's own call uses an older microversion, at which nova
    accepts anything; a refusal becomes a UserError with nova's message.
    """
    response = conn.compute.post(
        '/flavors/%s/os-extra_specs' % flavor_id,
        json={'extra_specs': specs},
        microversion=storage_request.VALIDATING_MICROVERSION, raise_exc=False)
    if response.status_code >= 400:
        try:
            body = response.json()
            message = next(iter(body.values()))['message']
        except Exception:
            message = response.text[:200]
        raise cli.CommandError('nova-api refused the extra specs (HTTP %d): %s'
                               % (response.status_code, message))


class CreateFlavor(cli.CommandBase, show.ShowOne):
    """Create a flavor tagged for Aerospike, with consistent extra specs."""

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
        cli.add_cloud_argument(parser)
        cli.add_config_file_argument(parser)
        return parser

    def take_action(self, args):
        settings = cli.settings_from_files(args.config_file)
        specs = aerospike_extra_specs(args.storage, args.nvme_devices,
                                      args.nvme_alias,
                                      settings.nvme_pci_aliases)
        for option in ('vcpus', 'ram'):
            if getattr(args, option) < 1:
                raise cli.CommandError('--%s must be 1 or more' % option)
        conn = cli.connect(self, args.os_cloud)
        with cli.cloud_errors('Creating flavor %s' % args.name):
            if conn.compute.find_flavor(args.name, ignore_missing=True):
                raise cli.CommandError('a flavor named %r exists already'
                                       % args.name)
            attrs = dict(name=args.name, vcpus=args.vcpus, ram=args.ram,
                         disk=args.disk, ephemeral=args.ephemeral,
                         is_public=not args.private)
            if args.flavor_id:
                attrs['id'] = args.flavor_id
            flavor = conn.compute.create_flavor(**attrs)
            try:
                set_validated_extra_specs(conn, flavor.id, specs)
            except Exception:
                # No half-made Aerospike flavor without its tag.
                conn.compute.delete_flavor(flavor, ignore_missing=True)
                raise
        return (('name', 'id', 'vcpus', 'ram', 'disk', 'ephemeral',
                 'extra_specs'),
                (flavor.name, flavor.id, flavor.vcpus, flavor.ram,
                 flavor.disk, flavor.ephemeral,
                 format_columns.DictColumn(specs)))

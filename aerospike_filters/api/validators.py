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

"""Flavor extra spec validators for the ``aerospike`` namespace.

Registered under nova's ``nova.api.extra_spec_validators`` entry point, so
that nova-api (microversion 2.86 and later) rejects unknown
``aerospike:*`` keys and invalid values with HTTP 400.
"""

from nova.api.validation.extra_specs import base
from nova import exception

from aerospike_filters import storage_request


class StorageValidator(base.ExtraSpecValidator):
    """``aerospike:storage``, checked by the scheduler's own parser."""

    def validate(self, name, value):
        super().validate(name, value)
        try:
            storage_request.parse_tiers(value)
        except storage_request.InvalidStorageValue as exc:
            raise exception.ValidationError(
                'Validation failed; %s.' % exc)


class UnknownKeyValidator(base.ExtraSpecValidator):
    """Any other ``aerospike:*`` key: refused, the near-miss named.

    nova's own refusal of an unknown key of a known namespace names no
    key that would do.
    """

    def validate(self, name, value):
        raise exception.ValidationError(
            'Validation failed; %s.'
            % storage_request.unknown_keys_message([name]))


EXTRA_SPEC_VALIDATORS = [
    StorageValidator(
        name=storage_request.STORAGE_SPEC,
        description=(
            'Tag the flavor as an Aerospike flavor and name the storage tiers '
            'its instances accept: nvme (NVMe drives passed through to the '
            'guest), lvm (LVM logical volume ephemeral storage), raw (raw '
            'image files on a local non-copy-on-write filesystem). Requires '
            'the AerospikeStorageFilter in the scheduler.'),
        value={
            'type': str,
            'description': storage_request.VALUE_HELP + '; case-insensitive',
        },
    ),
    UnknownKeyValidator(
        name=storage_request.NAMESPACE + ':{key}',
        description='Any other aerospike key is refused, naming the key '
                    'meant (%s).' % storage_request.STORAGE_SPEC,
        parameters=[{'name': 'key', 'pattern': r'.+',
                     'description': 'a misspelt key'}],
        value={'type': str, 'description': 'any'},
    ),
]


def register():
    return EXTRA_SPEC_VALIDATORS

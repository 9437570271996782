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

"""The extra spec validators, through nova's own validators.validate()."""

from nova.api.validation.extra_specs import validators
from nova import exception
from nova import test


class TestValidators(test.NoDBTestCase):

    def test_registered_through_the_entry_point(self):
        self.assertIn('aerospike:storage', validators.VALIDATORS)
        self.assertIn('aerospike', validators.NAMESPACES)

    def test_valid_values(self):
        for value in ('local', 'nvme', 'lvm', 'raw', 'nvme,lvm',
                      ' NVMe , raw ', 'lvm,lvm', 'LOCAL'):
            validators.validate('aerospike:storage', value)

    def test_invalid_values_name_the_value_and_the_fix(self):
        for value in ('', 'ssd', 'qcow2', 'lvm,,raw', 'local,lvm', 'lvm;raw'):
            exc = self.assertRaises(exception.ValidationError,
                                    validators.validate,
                                    'aerospike:storage', value)
            message = str(exc)
            self.assertIn(repr(value), message)
            self.assertIn("'local'", message)
            self.assertIn('nvme, lvm, raw', message)

    def test_unknown_aerospike_keys_are_rejected(self):
        for key in ('aerospike:storge', 'aerospike:tier', 'aerospike:'):
            exc = self.assertRaises(exception.ValidationError,
                                    validators.validate, key, 'lvm')
            self.assertIn(key, str(exc))

    def test_other_namespaces_are_untouched(self):
        validators.validate('aggregate_instance_extra_specs:storage', 'x')
        validators.validate('pci_passthrough:alias', 'nvme:2')

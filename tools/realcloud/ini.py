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

"""INI editing with the behaviour of devstack's inc/ini-config.

The real cloud sources devstack/lib/aerospike-filters, which calls
devstack's ``iniset``, ``iniadd``, ``iniget``, ``iniget_multiline`` and
``inidelete``. devstack cannot be cloned here, so lib/ini-config defines
those names on top of this tool, which reproduces what devstack's
documented functions print and write, quirks included:

* ``iniget_multiline`` prints every value of the option on ONE line,
  separated by single spaces (devstack echoes the values unquoted);
* ``iniadd`` rewrites the option from ``iniget_multiline``'s words plus the
  new ones, one line per word, right below the section header;
* ``iniset`` replaces the value of every line of the option in the section,
  or inserts ``option = value`` right below the header (adding the section
  at the end of the file when missing);
* ``iniget`` prints the text after the first ``=`` of the option's lines,
  words joined by single spaces;
* ``inidelete`` removes every line of the option in the section.

Usage: ini.py set|add|get|get_multiline|delete FILE SECTION OPTION [VALUE...]
"""

import re
import sys


def _read(path):
    try:
        with open(path) as stream:
            return stream.read().split('\n')
    except FileNotFoundError:
        return []


def _write(path, lines):
    with open(path, 'w') as stream:
        stream.write('\n'.join(lines))


def _in_section(lines, section):
    """Indexes of the lines inside every [section] block (headers too)."""
    inside = False
    found = []
    for index, line in enumerate(lines):
        if line.startswith('['):
            inside = line.startswith('[%s]' % section)
        if inside:
            found.append(index)
    return found


def _option_lines(lines, section, option):
    pattern = re.compile(r'^%s[ \t]*=' % re.escape(option))
    return [i for i in _in_section(lines, section) if pattern.match(lines[i])]


def _value(line):
    return line.split('=', 1)[1].strip()


def _headers(lines, section):
    return [i for i, line in enumerate(lines)
            if line.startswith('[%s]' % section)]


def _ensure_section(lines, section):
    if not _headers(lines, section):
        lines += ['', '[%s]' % section]
        if lines[0] == '':
            lines.pop(0)
    return lines


def _insert_below_headers(lines, section, line):
    for header in reversed(_headers(lines, section)):
        lines.insert(header + 1, line)
    return lines


def get_multiline(lines, section, option):
    words = []
    for i in _option_lines(lines, section, option):
        words.extend(_value(lines[i]).split())
    return ' '.join(words)


def get(lines, section, option):
    found = [lines[i] for i in _option_lines(lines, section, option)]
    if not found:
        return ''
    text = '\n'.join(found)
    return ' '.join(text.split('=', 1)[1].split())


def delete(lines, section, option):
    drop = set(_option_lines(lines, section, option))
    return [line for i, line in enumerate(lines) if i not in drop]


def set_value(lines, section, option, value):
    lines = _ensure_section(lines, section)
    found = _option_lines(lines, section, option)
    if not found:
        return _insert_below_headers(lines, section,
                                     '%s = %s' % (option, value))
    for i in found:
        key = re.match(r'^(%s[ \t]*=[ \t]*)' % re.escape(option), lines[i])
        lines[i] = key.group(1) + value
    return lines


def add(lines, section, option, values):
    words = get_multiline(lines, section, option).split()
    for value in values:
        words.extend(value.split())
    lines = delete(_ensure_section(lines, section), section, option)
    for word in reversed(words):
        lines = _insert_below_headers(lines, section,
                                      '%s = %s' % (option, word))
    return lines


def main(argv):
    command, path, section, option = argv[:4]
    lines = _read(path)
    if command == 'get':
        print(get(lines, section, option))
    elif command == 'get_multiline':
        print(get_multiline(lines, section, option))
    elif command == 'set':
        _write(path, set_value(lines, section, option, argv[4]))
    elif command == 'add':
        _write(path, add(lines, section, option, argv[4:]))
    elif command == 'delete':
        _write(path, delete(lines, section, option))
    else:
        raise SystemExit('unknown command %s' % command)


if __name__ == '__main__':
    main(sys.argv[1:])

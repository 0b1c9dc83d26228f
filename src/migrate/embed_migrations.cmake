# Writes OUTPUT, a C++ source holding every MIGRATIONS_DIR/*.sql file as a raw string literal
# (detail/embedded.hpp), so a deployed shipd needs no files beside it. Run with cmake -P.
if(NOT MIGRATIONS_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DMIGRATIONS_DIR=dir -DOUTPUT=file.cpp -P embed_migrations.cmake")
endif()

file(GLOB files RELATIVE "${MIGRATIONS_DIR}" "${MIGRATIONS_DIR}/*.sql")
list(SORT files)

set(delimiter "shipd_sql")
set(out "// Generated from migrations/*.sql by src/migrate/embed_migrations.cmake. Do not edit.\n")
string(APPEND out "#include \"migrate/detail/embedded.hpp\"\n\n")
string(APPEND out "namespace shipd::migrate::detail {\n\n")
string(APPEND out "const std::vector<EmbeddedFile>& embedded_files() {\n")
string(APPEND out "    static const std::vector<EmbeddedFile> files = {\n")
foreach(name IN LISTS files)
  if(NOT name MATCHES "^[0-9]+_[a-z0-9_]+\\.(up|down)\\.sql$")
    message(FATAL_ERROR "migrations/${name}: expected NNNN_name.up.sql or NNNN_name.down.sql "
                        "(lower case letters, digits and underscores)")
  endif()
  file(READ "${MIGRATIONS_DIR}/${name}" contents)
  string(FIND "${contents}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "migrations/${name} contains )${delimiter}\" and cannot be embedded")
  endif()
  string(APPEND out "        {\"${name}\", R\"${delimiter}(${contents})${delimiter}\"},\n")
endforeach()
string(APPEND out "    };\n    return files;\n}\n\n}  // namespace shipd::migrate::detail\n")

file(WRITE "${OUTPUT}" "${out}")

// Asio's SSL implementation, compiled once (BOOST_ASIO_SEPARATE_COMPILATION); src/asio/ compiles
// the rest of Asio. If another module needs TLS, move this line into src/asio/asio_impl.cpp.
#include <boost/asio/ssl/impl/src.hpp>

//! Networking on the runtime's reactor: TCP, UDP and Unix-domain sockets whose operations
//! are futures. Each socket is registered once and deregistered when dropped.

mod addr;
mod listener;
mod std_conv;
mod stream;
pub mod tcp;
mod tcp_socket;
mod udp;
#[cfg(unix)]
pub mod unix;

pub use addr::{lookup_host, ToSocketAddrs};
pub use tcp::{TcpListener, TcpStream};
pub use tcp_socket::TcpSocket;
pub use udp::UdpSocket;
#[cfg(unix)]
pub use unix::{UnixListener, UnixStream};

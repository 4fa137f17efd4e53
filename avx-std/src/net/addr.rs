//! Address resolution: `ToSocketAddrs` accepts what std's does, resolves literal addresses
//! at once and host names on the blocking pool, so a DNS lookup never stalls a worker.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// What resolving an address needs: nothing more, or a lookup of a host name.
#[doc(hidden)]
pub enum Resolution {
    Ready(Vec<SocketAddr>),
    Lookup(String),
}

/// Types that name one or more socket addresses: `SocketAddr`, `(IpAddr, u16)`,
/// `"127.0.0.1:8080"`, `("localhost", 8080)`, `"example.com:80"`, `&[SocketAddr]`, ...
pub trait ToSocketAddrs {
    #[doc(hidden)]
    fn resolution(&self) -> Resolution;
}

/// Resolves `host` (e.g. `"localhost:80"`) to its socket addresses without blocking a worker.
pub async fn lookup_host<A: ToSocketAddrs>(host: A) -> io::Result<Vec<SocketAddr>> {
    match host.resolution() {
        Resolution::Ready(addrs) => Ok(addrs),
        Resolution::Lookup(name) => {
            crate::task::spawn_blocking(move || std::net::ToSocketAddrs::to_socket_addrs(&name).map(Iterator::collect))
                .await
                .map_err(io::Error::other)?
        }
    }
}

/// Resolves, and fails clearly when a name resolves to nothing.
pub(crate) async fn resolve<A: ToSocketAddrs>(addr: A) -> io::Result<Vec<SocketAddr>> {
    let addrs = lookup_host(addr).await?;
    if addrs.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "the address resolved to no socket address"));
    }
    Ok(addrs)
}

/// Tries `f` on each address in turn; returns the first success or the last error.
pub(crate) async fn first_success<T, F, Fut>(addrs: Vec<SocketAddr>, mut f: F) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: std::future::Future<Output = io::Result<T>>,
{
    let mut last = None;
    for addr in addrs {
        match f(addr).await {
            Ok(value) => return Ok(value),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address given")))
}

macro_rules! ready_addr {
    ($($ty:ty),*) => {$(
        impl ToSocketAddrs for $ty {
            fn resolution(&self) -> Resolution {
                Resolution::Ready(vec![SocketAddr::from(*self)])
            }
        }
    )*};
}

ready_addr!(SocketAddr, SocketAddrV4, SocketAddrV6, (IpAddr, u16), (Ipv4Addr, u16), (Ipv6Addr, u16));

impl ToSocketAddrs for str {
    fn resolution(&self) -> Resolution {
        match self.parse::<SocketAddr>() {
            Ok(addr) => Resolution::Ready(vec![addr]),
            Err(_) => Resolution::Lookup(self.to_owned()),
        }
    }
}

impl ToSocketAddrs for String {
    fn resolution(&self) -> Resolution {
        self.as_str().resolution()
    }
}

impl ToSocketAddrs for (&str, u16) {
    fn resolution(&self) -> Resolution {
        let (host, port) = *self;
        match host.parse::<IpAddr>() {
            Ok(ip) => Resolution::Ready(vec![SocketAddr::new(ip, port)]),
            Err(_) => Resolution::Lookup(format!("{host}:{port}")),
        }
    }
}

impl ToSocketAddrs for (String, u16) {
    fn resolution(&self) -> Resolution {
        (self.0.as_str(), self.1).resolution()
    }
}

impl ToSocketAddrs for [SocketAddr] {
    fn resolution(&self) -> Resolution {
        Resolution::Ready(self.to_vec())
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {
    fn resolution(&self) -> Resolution {
        (**self).resolution()
    }
}

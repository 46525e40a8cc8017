//! The byte streams sessions run over.

use crate::NetError;
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

/// Any byte stream a session can run over.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A boxed byte stream: TCP, an SSH channel, stdio.
pub type BoxIo = Box<dyn Io>;

/// Connects over TCP within `timeout`, with Nagle off (NETCONF messages are
/// small and latency-bound).
pub async fn connect_tcp(addr: &str, timeout: Duration) -> Result<TcpStream, NetError> {
    let shown = addr.to_owned();
    let stream = tokio::time::timeout(timeout, TcpStream::connect(addr))
        .await
        .map_err(|_| NetError::ConnectTimeout {
            addr: shown.clone(),
            timeout,
        })?
        .map_err(|e| NetError::io(format!("connecting to {shown}"), e))?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// This process's stdin and stdout as one stream (for serving as an
/// OpenSSH `Subsystem` command, or a client piped to a device).
pub fn stdio() -> tokio::io::Join<tokio::io::Stdin, tokio::io::Stdout> {
    tokio::io::join(tokio::io::stdin(), tokio::io::stdout())
}

/// A child process whose stdout and stdin are the stream; stderr is
/// inherited. The child is killed when the stream is dropped.
pub struct ChildIo {
    child: Child,
    stdout: tokio::process::ChildStdout,
    stdin: tokio::process::ChildStdin,
}

impl ChildIo {
    /// Starts `command` with piped stdin and stdout.
    pub fn spawn(mut command: Command) -> Result<Self, NetError> {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .map_err(|e| NetError::io(format!("starting {command:?}"), e))?;
        let (Some(stdout), Some(stdin)) = (child.stdout.take(), child.stdin.take()) else {
            return Err(NetError::io(
                "starting the child",
                std::io::Error::other("the child's stdin or stdout is not piped"),
            ));
        };
        Ok(ChildIo {
            child,
            stdout,
            stdin,
        })
    }

    /// The child process.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }
}

impl AsyncRead for ChildIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stdout).poll_read(cx, buf)
    }
}

impl AsyncWrite for ChildIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stdin).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stdin).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stdin).poll_shutdown(cx)
    }
}
